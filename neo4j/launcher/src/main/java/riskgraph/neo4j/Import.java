package riskgraph.neo4j;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.schema.IndexType;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

/**
 * Runs {@code neo4j-admin database import full} in this JVM (Neo4j's own command, through
 * {@link AdminTool#execute}), so a bulk load starts one JVM instead of two and the server
 * reuses the classes the import loaded. The import reads HOME/conf/neo4j.conf (scripts/neo4j.sh
 * writes the grouping threshold there) and DIR/import.args (graph/store/neo4j_bulk.py).
 * DIR/schema.cypher, when present, holds the store's constraints and indexes, one statement a
 * line: {@link #createSchema} creates them on the imported database before the server answers.
 */
final class Import {
    private Import() {}

    /** Imports DIR's files into HOME's database "neo4j" (replacing it); returns the exit code. */
    static int run(Path home, Path dir, String offHeap) throws IOException {
        return admin(home, home.resolve("import.log"), "database", "import", "full", "--overwrite-destination=true",
                "--max-off-heap-memory=" + offHeap, "--report-file=" + home.resolve("import.report"), "neo4j",
                "@" + dir.resolve("import.args"));
    }

    /** Runs a neo4j-admin command on HOME (conf from HOME/conf) in this JVM, output to LOG. */
    static int admin(Path home, Path log, String... command) throws IOException {
        Files.createDirectories(home);
        try (PrintStream out = new PrintStream(new FileOutputStream(log.toFile()), true, StandardCharsets.UTF_8);
                DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            ExecutionContext context = new ExecutionContext(home, home.resolve("conf"), out, out, fs);
            return AdminTool.execute(context, command);
        }
    }

    private static final Pattern CONSTRAINT = Pattern.compile(
            "CREATE CONSTRAINT (\\w+) IF NOT EXISTS FOR \\(\\w+:(\\w+)\\) REQUIRE \\w+\\.(\\w+) IS UNIQUE");
    private static final Pattern NODE_INDEX = Pattern.compile(
            "CREATE INDEX (\\w+) IF NOT EXISTS FOR \\(\\w+:(\\w+)\\) ON \\(\\w+\\.(\\w+)\\)");
    private static final Pattern REL_INDEX = Pattern.compile(
            "CREATE INDEX (\\w+) IF NOT EXISTS FOR \\(\\)-\\[\\w+:(\\w+)\\]-\\(\\) ON \\(\\w+\\.(\\w+)\\)");

    /**
     * Creates DIR/schema.cypher's indexes and constraints (one statement a line, the forms
     * graph/store/neo4j_queries.py writes) through the core schema API, not Cypher: the
     * indexes in one transaction (one population job, in the background), then the
     * constraints (each populated as it is created, meanwhile). {@code meanwhile} runs in
     * another thread during the populations (the server's first Cypher). Returns when every
     * index is online: the store finds its schema in place and does not create it again.
     */
    static void createSchema(GraphDatabaseService db, Path dir, Runnable meanwhile) throws Exception {
        Path file = dir.resolve("schema.cypher");
        List<String> statements = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        Set<String> existing = new HashSet<>();
        try (Transaction tx = db.beginTx()) {
            tx.schema().getIndexes().forEach(index -> existing.add(index.getName()));
            tx.schema().getConstraints().forEach(constraint -> existing.add(constraint.getName()));
        }
        try (Transaction tx = db.beginTx()) {
            for (String statement : statements) {
                Matcher node = NODE_INDEX.matcher(statement);
                Matcher rel = REL_INDEX.matcher(statement);
                if (node.matches() && !existing.contains(node.group(1))) {
                    tx.schema().indexFor(Label.label(node.group(2))).on(node.group(3)).withName(node.group(1))
                            .withIndexType(IndexType.RANGE).create();
                } else if (rel.matches() && !existing.contains(rel.group(1))) {
                    tx.schema().indexFor(RelationshipType.withName(rel.group(2))).on(rel.group(3))
                            .withName(rel.group(1)).withIndexType(IndexType.RANGE).create();
                } else if (!statement.isBlank() && !node.matches() && !rel.matches()
                        && !CONSTRAINT.matcher(statement).matches()) {
                    tx.execute(statement).close(); // not a form this file knows: Cypher runs it
                }
            }
            tx.commit();
        }
        Thread other = new Thread(meanwhile, "riskgraph-meanwhile");
        Throwable[] failed = {null};
        other.setUncaughtExceptionHandler((t, e) -> failed[0] = e);
        other.start();
        try (Transaction tx = db.beginTx()) {
            for (String statement : statements) {
                Matcher unique = CONSTRAINT.matcher(statement);
                if (unique.matches() && !existing.contains(unique.group(1))) {
                    tx.schema().constraintFor(Label.label(unique.group(2))).assertPropertyIsUnique(unique.group(3))
                            .withName(unique.group(1)).withIndexType(IndexType.RANGE).create();
                }
            }
            tx.commit();
        }
        other.join();
        if (failed[0] != null) {
            throw new IllegalStateException("while the schema populated: " + failed[0], failed[0]);
        }
        try (Transaction tx = db.beginTx()) {
            tx.schema().awaitIndexesOnline(1, TimeUnit.HOURS);
        }
    }
}
