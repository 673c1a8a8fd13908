package riskgraph.neo4j;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The early start of a bulk load ({@code scripts/neo4j.sh preload DIR}): the launcher starts
 * while graph/store/neo4j_bulk.py still writes DIR's files, and spends that time importing a
 * generated data set of the same shape (the same headers, delimiters and kinds of values) into
 * a scratch home, so the import tool's classes are loaded and its hot code compiled when the
 * real files arrive. Then it waits for DIR/import.args, which the Python side writes last.
 */
final class Warmup {
    private static final String D = "\u001f";
    private static final String Q = "\u001e";
    private static final int DOCUMENTS = 200;

    private Warmup() {}

    /** Imports a generated data set of SIZE entities into HOME/warm-up (deleted after); returns the exit code. */
    static int run(Path home, String offHeap, int size) throws IOException {
        Path scratch = home.resolve("warm-up");
        deleteTree(scratch);
        Path files = scratch.resolve("csv");
        writeFiles(files, size);
        Path conf = home.resolve("conf/neo4j.conf"); // the import settings scripts/neo4j.sh wrote
        if (Files.exists(conf)) {
            Files.createDirectories(scratch.resolve("home/conf"));
            Files.copy(conf, scratch.resolve("home/conf/neo4j.conf"));
        }
        try {
            return Import.run(scratch.resolve("home"), files, offHeap);
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * Waits until FILE exists (polling every 10 ms), at most TIMEOUT_S seconds; gives up at
     * once if FILE's directory goes (its writer failed and cleaned up).
     */
    static void await(Path file, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!Files.exists(file)) {
            if (!Files.isDirectory(file.getParent())) {
                throw new IllegalStateException(file.getParent() + " is gone: nothing to import");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + timeoutSeconds + " s");
            }
            Thread.sleep(10);
        }
    }

    /** SIZE entities, 3 x SIZE node assertions, 2 x SIZE edges and SIZE / 2 layer rows. */
    private static void writeFiles(Path dir, int size) throws IOException {
        Files.createDirectories(dir);
        int entities = size;
        try (BufferedWriter w = open(dir, "nodes-meta.csv", ":ID(Meta)", "id", "schema", "revision:long", ":LABEL")) {
            w.write("0" + D + q("store") + D + q("4") + D + DOCUMENTS + D + "RiskgraphMeta\n");
        }
        try (BufferedWriter w = open(dir, "nodes-documents.csv", ":ID(Document)", "id", "lineage", "status",
                "superseded_by", "sha256", "name", "path", "format", "info", "findings", "finding_count:long",
                ":LABEL")) {
            for (int i = 0; i < DOCUMENTS; i++) {
                w.write(i + D + q("doc-" + i) + D + q("lineage-" + i % 50) + D + q("active") + D + D
                        + q(Integer.toHexString(i * 7919) + "0123456789abcdef") + D + q("document " + i) + D
                        + q("estate/doc-" + i + ".json") + D + q("cyclonedx") + D
                        + q("{\"id\":\"doc-" + i + "\",\"tags\":[\"a\",\"b\"],\"created\":\"2026-01-01\"}") + D
                        + q("[[\"warning\",\"code\",\"a message\",\"$.x\"]]") + D + "1" + D + "Document\n");
            }
        }
        String[] kinds = {"Component", "Vendor", "Product", "HostGroup", "UpdateChannel"};
        try (BufferedWriter w = open(dir, "nodes-entities.csv", ":ID(Entity)", "key", "kind", ":LABEL")) {
            for (int i = 0; i < entities; i++) {
                String kind = kinds[i % kinds.length];
                w.write(i + D + q(kind.toLowerCase() + ":warm-" + i) + D + q(kind) + D + "Entity;" + kind + "\n");
            }
        }
        try (BufferedWriter w = open(dir, "rels-reach.csv", ":END_ID(Entity)", ":START_ID(Entity)", "documents:long",
                "kind", ":TYPE")) {
            for (int i = 0; i < size / 2; i++) {
                w.write(i % entities + D + (i * 31 + 1) % entities + D + (1 + i % 3) + D + q("DEPENDS_ON") + D
                        + "REACH_DEPENDS_ON\n");
            }
        }
        try (BufferedWriter w = open(dir, "rels-asserted.csv", ":START_ID(Entity)", ":END_ID(Document)", "kind",
                "location", "body", ":TYPE")) {
            for (int i = 0; i < 3 * size; i++) {
                String location = i % 3 == 0 ? "" : q("components[" + i % 97 + "]");
                w.write(i % entities + D + i % DOCUMENTS + D + q(kinds[i % kinds.length]) + D + location + D
                        + q("{\"name\":\"Warm " + i + "\",\"version\":\"1." + i % 10
                                + "\",\"purl\":null,\"platforms\":[],\"tags\":[\"x\"]}")
                        + D + "ASSERTED_IN\n");
            }
        }
        String[] types = {"DEPENDS_ON", "SUPPLIED_BY", "RUNS_ON", "CONTAINS"};
        try (BufferedWriter w = open(dir, "rels-edges.csv", ":START_ID(Entity)", ":END_ID(Entity)", ":TYPE",
                "document_id", "role", "location", "active:boolean")) {
            for (int i = 0; i < 2 * size; i++) {
                String location = i % 4 == 0 ? "" : q("dependencies[" + i % 89 + "]");
                w.write(i % entities + D + (i * 17 + 3) % entities + D + q(types[i % types.length]) + D
                        + q("doc-" + i % DOCUMENTS) + D + q("") + D + location + D + "true\n");
            }
        }
        String args = String.join("\n", "--delimiter=U+001F", "--quote=U+001E", "--multiline-fields=false",
                "--id-type=INTEGER", "--nodes=" + dir.resolve("nodes-meta.csv"),
                "--nodes=" + dir.resolve("nodes-documents.csv"), "--nodes=" + dir.resolve("nodes-entities.csv"),
                "--relationships=" + dir.resolve("rels-reach.csv"),
                "--relationships=" + dir.resolve("rels-asserted.csv"),
                "--relationships=" + dir.resolve("rels-edges.csv")) + "\n";
        Files.writeString(dir.resolve("import.args"), args, StandardCharsets.UTF_8);
    }

    private static BufferedWriter open(Path dir, String name, String... header) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8);
        w.write(String.join(D, header) + "\n");
        return w;
    }

    private static String q(String value) {
        return Q + value + Q;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
