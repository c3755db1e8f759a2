// Launcher runs Neo4j Community (embedded) as a local Bolt server for
// development and tests. Maven Central does not carry the server tarball, so
// scripts/neo4j.sh fetches org.neo4j:neo4j + org.neo4j:neo4j-bolt and runs
// this class against that classpath. To the Go driver it is a Neo4j 5.26
// server: Bolt on loopback, authentication on, one user database "neo4j".
//
// Usage: java -cp 'lib/*:.' Launcher <home-dir> <bolt-host:port> <password> <pagecache>
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

public final class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Launcher <home-dir> <bolt-host:port> <password> <pagecache>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int colon = args[1].lastIndexOf(':');
        SocketAddress bolt = new SocketAddress(args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)));
        String password = args[2];
        String pagecache = args[3];

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory,
                        org.neo4j.io.ByteUnit.parse(pagecache))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(10))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        // First start: replace the default password. Later starts: the user
        // already has this password and Neo4j refuses to "change" it to
        // itself, which is fine.
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException alreadySet) {
            // keep the existing password
        }
        // Wait until the user database is online before announcing readiness.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("chainmatch-neo4j: ready on bolt://" + bolt);
        System.out.flush();
        Thread.currentThread().join();
    }
}
