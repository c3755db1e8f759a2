// The @neo4j/graphql peer of chainmatch's side-by-side benchmark
// (docs/benchmarks.md): the Neo4j GraphQL Library's generated schema over
// the same graph, served by @apollo/server's standard Node HTTP server on
// loopback. It is configured the way its documentation shows, with
// introspection, the landing page and caching off so that it does only what
// the benchmark measures.
//
//   NEO4J_URI=bolt://127.0.0.1:7695 NEO4J_PASSWORD=... PORT=4100 node server.js
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

const here = path.dirname(fileURLToPath(import.meta.url));
const typeDefs = fs.readFileSync(path.join(here, "typeDefs.graphql"), "utf8");

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7695";
const user = process.env.NEO4J_USER ?? "neo4j";
const password = process.env.NEO4J_PASSWORD ?? "chainmatch-dev";
const database = process.env.NEO4J_DATABASE ?? "neo4j";
const port = Number(process.env.PORT ?? 4100);

const driver = neo4j.driver(uri, neo4j.auth.basic(user, password), {
  maxConnectionPoolSize: 100,
  userAgent: "chainmatch-bench-neo4j-graphql/1",
});
await driver.verifyConnectivity({ database });

const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const schema = await neoSchema.getSchema();

const server = new ApolloServer({
  schema,
  introspection: false,
  csrfPrevention: false,
  plugins: [ApolloServerPluginLandingPageDisabled()],
});

const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port },
  context: async () => ({ sessionConfig: { database } }),
});
console.log(`neo4j-graphql-peer: ready on ${url}`);

async function shutdown() {
  await server.stop();
  await driver.close();
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
