// The official Node client: one query, its rows as JSON lines (JSONEachRow).
//   node report.mjs URL QUERY [NAME=VALUE ...]   (server-side parameters)
import { createClient } from "@clickhouse/client";

const [url, query, ...pairs] = process.argv.slice(2);
const query_params = Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
const client = createClient({ url });
const rs = await client.query({ query, query_params, format: "JSONEachRow" });
for (const row of await rs.json()) console.log(JSON.stringify(row));
await client.close();
