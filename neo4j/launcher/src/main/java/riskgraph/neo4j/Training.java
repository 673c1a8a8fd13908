package riskgraph.neo4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.neo4j.dbms.api.DatabaseManagementService;

/**
 * The training run behind the class-data-sharing archive (scripts/neo4j.sh build): a tiny
 * import in the bulk files' format, then the kinds of Cypher the store sends on open and on
 * write, so the archive holds the classes a bulk load and a store's first queries need.
 */
final class Training {
    private static final String D = "\u001f";
    private static final String Q = "\u001e";

    private Training() {}

    /** Writes a small import (the format of graph/store/neo4j_bulk.py) into DIR. */
    static Path writeFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir, "nodes-entities.csv", ":ID(Entity)" + D + "key" + D + "kind" + D + ":LABEL",
                "0" + D + q("component:a") + D + q("Component") + D + "Entity;Component",
                "1" + D + q("vendor:b") + D + q("Vendor") + D + "Entity;Vendor");
        write(dir, "nodes-documents.csv", ":ID(Document)" + D + "id" + D + "finding_count:long" + D + ":LABEL",
                "0" + D + q("doc-1") + D + "0" + D + "Document");
        write(dir, "rels-asserted.csv", ":START_ID(Entity)" + D + ":END_ID(Document)" + D + "kind" + D + ":TYPE",
                "0" + D + "0" + D + q("Component") + D + "ASSERTED_IN");
        write(dir, "rels-edges.csv", ":START_ID(Entity)" + D + ":END_ID(Entity)" + D + "document_id" + D
                + "active:boolean" + D + ":TYPE", "0" + D + "1" + D + q("doc-1") + D + "true" + D + "SUPPLIED_BY");
        write(dir, "schema.cypher",
                "CREATE CONSTRAINT train_entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE n.key IS UNIQUE",
                "CREATE INDEX train_document_status IF NOT EXISTS FOR (d:Document) ON (d.status)",
                "CREATE INDEX train_edge_document IF NOT EXISTS FOR ()-[r:SUPPLIED_BY]-() ON (r.document_id)");
        Files.writeString(dir.resolve("import.args"), String.join("\n", "--delimiter=U+001F", "--quote=U+001E",
                "--multiline-fields=false", "--id-type=INTEGER", "--nodes=" + dir.resolve("nodes-entities.csv"),
                "--nodes=" + dir.resolve("nodes-documents.csv"), "--relationships=" + dir.resolve("rels-asserted.csv"),
                "--relationships=" + dir.resolve("rels-edges.csv")) + "\n", StandardCharsets.UTF_8);
        return dir;
    }

    /** Schema queries, a bulk write and the reachability walk, as the store runs them. */
    static void exercise(DatabaseManagementService dbms) {
        var db = dbms.database("neo4j");
        db.executeTransactionally("SHOW CONSTRAINTS YIELD name");
        db.executeTransactionally("SHOW INDEXES YIELD name");
        db.executeTransactionally("CALL db.awaitIndexes(300)");
        db.executeTransactionally("MERGE (m:RiskgraphMeta {id: 'store'}) ON CREATE SET m.schema = '2' RETURN m.schema");
        db.executeTransactionally("UNWIND $rows AS r MERGE (n:Entity {key: r}) ON CREATE SET n.kind = 'Component'",
                java.util.Map.of("rows", List.of("component:c", "component:d")));
        db.executeTransactionally("MATCH (d:Document) WHERE d.status <> 'active' RETURN d.id, d.info");
        db.executeTransactionally("MATCH (s:Entity) USING INDEX s:Entity(key) WHERE s.key IN ['vendor:b'] "
                + "MATCH (s)<-[:SUPPLIED_BY*0..]-(h) WITH DISTINCT h RETURN collect(h.key)");
    }

    private static String q(String value) {
        return Q + value + Q;
    }

    private static void write(Path dir, String name, String... lines) throws IOException {
        Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}
