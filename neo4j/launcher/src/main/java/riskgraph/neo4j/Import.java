package riskgraph.neo4j;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
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
        Files.createDirectories(home);
        Path log = home.resolve("import.log");
        try (PrintStream out = new PrintStream(new FileOutputStream(log.toFile()), true, StandardCharsets.UTF_8);
                DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            ExecutionContext context = new ExecutionContext(home, home.resolve("conf"), out, out, fs);
            return AdminTool.execute(context, "database", "import", "full", "--overwrite-destination=true",
                    "--max-off-heap-memory=" + offHeap, "--report-file=" + home.resolve("import.report"),
                    "neo4j", "@" + dir.resolve("import.args"));
        }
    }

    /**
     * Creates DIR/schema.cypher's indexes (populated in the background), then its constraints
     * (each populated when its transaction commits, meanwhile), and waits until all are online:
     * the store finds its schema in place and does not create or wait for it again.
     */
    static void createSchema(GraphDatabaseService db, Path dir) throws IOException {
        Path file = dir.resolve("schema.cypher");
        if (!Files.exists(file)) {
            return;
        }
        List<String> statements = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String kind : List.of("CREATE INDEX ", "CREATE CONSTRAINT ")) {
            try (Transaction tx = db.beginTx()) {
                for (String statement : statements) {
                    if (statement.startsWith(kind)) {
                        tx.execute(statement).close();
                    }
                }
                tx.commit();
            }
        }
        try (Transaction tx = db.beginTx()) {
            tx.schema().awaitIndexesOnline(1, TimeUnit.HOURS);
        }
    }
}
