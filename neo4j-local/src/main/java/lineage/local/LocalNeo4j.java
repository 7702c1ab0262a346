package lineage.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;

/**
 * Runs Neo4j 5.26 Community embedded, with the Bolt connector on 127.0.0.1, as a child process of the
 * Node service or test runner.
 *
 * Protocol with the parent (kept line-based so the parent can read it without a library):
 *   stdout "NEO4J_LOCAL_READY bolt://127.0.0.1:PORT"  once the default database answers RETURN 1;
 *   stderr "NEO4J_LOCAL_ERROR <code> <message>"        before exiting non-zero when start-up fails.
 * The process shuts Neo4j down cleanly on SIGTERM/SIGINT (shutdown hook) and also when its stdin closes,
 * which is how it notices that the parent died, even by SIGKILL: no orphan JVM keeps the store locked.
 *
 * Usage: LocalNeo4j --home DIR --port N [--pagecache 64m] [--tx-memory 256m] [--tx-timeout-seconds 0]
 */
public final class LocalNeo4j {

    private static final int EXIT_BAD_ARGUMENTS = 2;
    private static final int EXIT_PORT_IN_USE = 3;
    private static final int EXIT_START_FAILED = 4;

    public static void main(String[] args) {
        Map<String, String> options = parseOptions(args);
        Path home = Path.of(require(options, "home")).toAbsolutePath();
        int port = parsePort(require(options, "port"));
        long pageCache = parseBytes("pagecache", options.getOrDefault("pagecache", "64m"));
        long txMemory = parseBytes("tx-memory", options.getOrDefault("tx-memory", "256m"));

        // Checking the port ourselves gives a clear message; Neo4j's own bind failure is buried in a stack trace.
        ensurePortFree(port);

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                    .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, txMemory)
                    // A bookmark of a transaction that never happened (a forged one) would hold its connection for
                    // the default 30 s; on a single server a real bookmark is always ready at once.
                    .setConfig(GraphDatabaseSettings.bookmark_ready_timeout, Duration.ofSeconds(2))
                    // Bolt waits 5 s twice on shutdown by default; a local single-user server has nothing to drain.
                    .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
                    .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
                    .build();
        } catch (RuntimeException e) {
            fail(EXIT_START_FAILED, "START_FAILED", describe(e));
            return;
        }

        DatabaseManagementService running = dbms;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-local: shutting down");
            running.shutdown();
            System.err.println("neo4j-local: stopped");
        }, "neo4j-local-shutdown"));

        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            try (Transaction tx = db.beginTx()) {
                tx.execute("RETURN 1").close();
                tx.commit();
            }
        } catch (RuntimeException e) {
            fail(EXIT_START_FAILED, "START_FAILED", "the default database did not answer: " + describe(e));
        }

        System.out.println("NEO4J_LOCAL_READY bolt://127.0.0.1:" + port);
        System.out.flush();
        exitWhenStdinCloses();
    }

    /** Blocks until the parent closes our stdin (normally or by dying), then exits through the shutdown hook. */
    private static void exitWhenStdinCloses() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Anything the parent writes is ignored; only end-of-stream matters.
            }
        } catch (IOException ignored) {
            // A broken pipe means the same as end-of-stream: the parent is gone.
        }
        System.exit(0);
    }

    private static void ensurePortFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            fail(EXIT_PORT_IN_USE, "PORT_IN_USE",
                    "port " + port + " on 127.0.0.1 is already in use (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                fail(EXIT_BAD_ARGUMENTS, "BAD_ARGUMENTS", "expected --name value pairs, got '" + arg + "'");
            }
            options.put(arg.substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            fail(EXIT_BAD_ARGUMENTS, "BAD_ARGUMENTS", "missing --" + name);
        }
        return value;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(EXIT_BAD_ARGUMENTS, "BAD_ARGUMENTS", "--port must be 1..65535, got '" + value + "'");
        return -1;
    }

    /** Parses sizes such as 64m, 1g, 512k or a plain byte count. */
    static long parseBytes(String name, String value) {
        String v = value.trim().toLowerCase();
        long unit = 1;
        char last = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
        if (last == 'k') unit = 1L << 10;
        if (last == 'm') unit = 1L << 20;
        if (last == 'g') unit = 1L << 30;
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            fail(EXIT_BAD_ARGUMENTS, "BAD_ARGUMENTS", "--" + name + " must be a size such as 64m, got '" + value + "'");
            return -1;
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            message.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return message.toString().replace('\n', ' ');
    }

    private static void fail(int exitCode, String code, String message) {
        System.err.println("NEO4J_LOCAL_ERROR " + code + " " + message);
        System.err.flush();
        System.exit(exitCode);
    }
}
