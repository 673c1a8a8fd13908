package riskgraph.neo4j;

import static org.neo4j.configuration.SettingValueParsers.BYTES;
import static org.neo4j.configuration.SettingValueParsers.DURATION;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Starts an embedded Neo4j Community DBMS with only a Bolt connector on 127.0.0.1, prints
 * "NEO4J READY bolt://127.0.0.1:PORT" once it answers RETURN 1, and blocks until SIGTERM.
 *
 * <p>Options, each as --name=value or the env var RISKGRAPH_NEO4J_NAME (the flag wins):
 * home (.neo4j), port (7687), pagecache (512m), tx_timeout (10m, 0 = none), grouping_threshold
 * (1: every node's relationships grouped by type and direction), pagecache_block (unset: Neo4j's
 * ~0.5 MB; the size of each native block the page cache allocates, so that each can be backed by
 * huge pages, see scripts/neo4j.sh), password (unset = auth off; prefer the env var, argv is
 * visible in ps). With a password, auth is on and the
 * user neo4j is given that password at every start.
 *
 * <p>--import=DIR first runs the offline import of DIR's bulk files in this JVM (see {@link Import}),
 * prints "NEO4J IMPORTED in N ms (cpu C ms)", starts the server on the imported database, creates
 * the schema DIR/schema.cypher holds ("NEO4J SCHEMA ..."), then is ready. With --await=true
 * (scripts/neo4j.sh preload, started while the files are still written) it first warms up on a
 * generated import of warm_size (3000) entities with warm_offheap (256m) off-heap memory
 * ("NEO4J WARMED ...", see {@link Warmup}), then waits for DIR/import.args, at most await_timeout
 * (3600) seconds ("NEO4J AWAITED ..."). --train=true
 * (scripts/neo4j.sh build) imports a tiny data set, starts, runs the store's kinds of Cypher and
 * exits: the run that writes the class-data-sharing archive.
 */
public final class Launcher {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                System.err.println("usage: Launcher [--home=DIR] [--port=N] [--pagecache=SIZE]"
                        + " [--tx_timeout=DURATION] [--password=PW] [--import=DIR] [--train=true]");
                System.exit(2);
            }
            opts.put(arg.substring(2, arg.indexOf('=')).replace('-', '_'), arg.substring(arg.indexOf('=') + 1));
        }
        Path home = Path.of(opt(opts, "home", ".neo4j")).toAbsolutePath();
        int port = Integer.parseInt(opt(opts, "port", "7687"));
        String password = opt(opts, "password", "");
        boolean auth = !password.isEmpty();
        boolean train = Boolean.parseBoolean(opts.getOrDefault("train", "false"));

        try {
            String bulk = train ? Training.writeFiles(home.resolve("train-import")).toString() : opts.get("import");
            if (bulk != null && Boolean.parseBoolean(opts.getOrDefault("await", "false"))) {
                // started early (scripts/neo4j.sh preload): warm up while DIR's files are written
                long warm = System.nanoTime();
                int code = Warmup.run(home, opt(opts, "warm_offheap", "256m"),
                        Integer.parseInt(opt(opts, "warm_size", "3000")));
                System.out.println("NEO4J WARMED" + took(warm) + (code == 0 ? "" : " (exit " + code + ")"));
                long waited = System.nanoTime();
                Warmup.await(Path.of(bulk).toAbsolutePath().resolve("import.args"),
                        Long.parseLong(opt(opts, "await_timeout", "3600")));
                System.out.println("NEO4J AWAITED" + took(waited));
            }
            if (bulk != null) {
                long started = System.nanoTime();
                int code = Import.run(home, Path.of(bulk).toAbsolutePath(), opt(opts, "pagecache", "512m"));
                if (code != 0) {
                    System.err.println("NEO4J IMPORT FAILED (exit " + code + "; log " + home.resolve("import.log") + ")");
                    System.exit(1);
                }
                System.out.println("NEO4J IMPORTED" + took(started));
            }
            // a new home's system database takes its first password from the initial-password
            // file (no Cypher command at start); a home started before gets ALTER USER
            boolean initial = auth && setInitialPassword(home, password);
            long startup = System.nanoTime();
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                    .setUserLogProvider(new Log4jLogProvider(System.out))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    // Bolt waits 5 s + 5 s for idle connections and threads at shutdown; 1 s each is plenty here.
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                    .setConfig(GraphDatabaseSettings.udc_enabled, false) // dbms.usage_report.enabled
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, BYTES.parse(opt(opts, "pagecache", "512m")))
                    .setConfig(GraphDatabaseSettings.transaction_timeout, DURATION.parse(opt(opts, "tx_timeout", "10m")))
                    // A dev/test store: no 2 x 256 MB preallocated tx logs, and keep only the last two files.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    // Every node keeps its relationships grouped by type and direction (as the
                    // import tool is told in scripts/neo4j.sh): a walk over a few types reads
                    // only those, not every ASSERTED_IN of a node named by many documents.
                    .setConfig(GraphDatabaseSettings.dense_node_threshold,
                            Integer.parseInt(opt(opts, "grouping_threshold", "1")));
            String block = opt(opts, "pagecache_block", "");
            if (!block.isEmpty()) {
                builder.setConfig(GraphDatabaseInternalSettings.page_cache_allocation_grab_size, BYTES.parse(block));
            }
            DatabaseManagementService dbms = builder.build();
            System.out.println("NEO4J STARTED" + took(startup));
            Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
            Runnable answer = () -> {
                long asked = System.nanoTime();
                if (auth && !initial) {
                    setPassword(dbms, password);
                }
                dbms.database("neo4j").executeTransactionally("RETURN 1");
                System.out.println("NEO4J ANSWERED" + took(asked));
            };
            if (bulk != null) { // the first Cypher runs while the schema populates
                long started = System.nanoTime();
                Import.createSchema(dbms.database("neo4j"), Path.of(bulk).toAbsolutePath(), answer);
                System.out.println("NEO4J SCHEMA" + took(started));
            } else {
                answer.run();
            }
            if (train) {
                Training.exercise(dbms);
                System.exit(0); // the shutdown hook stops the DBMS; the JVM then writes the archive
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1); // Neo4j's non-daemon threads would otherwise keep the JVM alive
        }
        System.out.println("NEO4J READY bolt://" + HOST + ":" + port + " (auth " + (auth ? "on" : "off") + ")");
        System.out.flush();
        try {
            new CountDownLatch(1).await(); // until SIGTERM/SIGINT run the shutdown hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes the initial-password file ({@code neo4j-admin dbms set-initial-password}, run in
     * this JVM) if HOME has no system database yet; true if it did (the first start uses it).
     */
    private static boolean setInitialPassword(Path home, String password) throws IOException {
        if (Files.exists(home.resolve("data/databases/system"))) {
            return false;
        }
        int code = Import.admin(home, home.resolve("admin.log"), "dbms", "set-initial-password", password);
        if (code != 0) {
            throw new IllegalStateException("set-initial-password failed (exit " + code + "; log "
                    + home.resolve("admin.log") + ")");
        }
        return true;
    }

    /** ALTER USER through the system database; embedded transactions run with full rights. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (QueryExecutionException e) {
            // Restarting with an unchanged password: Neo4j refuses to "change" it to itself.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /** " in N ms (cpu C ms)": wall time since started, and this JVM's CPU time so far. */
    private static String took(long started) {
        long cpu = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        return " in " + (System.nanoTime() - started) / 1_000_000 + " ms (cpu " + cpu + " ms)";
    }

    private static String opt(Map<String, String> opts, String name, String fallback) {
        String value = opts.getOrDefault(name, System.getenv("RISKGRAPH_NEO4J_" + name.toUpperCase()));
        return value == null || value.isEmpty() ? fallback : value;
    }
}
