// The official ClickHouse Node.js client against a ClickHouse HTTP interface.
//   node query.mjs URL [USER PASSWORD]
// Prints one JSON object: what each call returned or the ClickHouse error it raised.
import { createClient } from "@clickhouse/client";

const [url, username, password] = process.argv.slice(2);
const out = {};

async function attempt(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { error: { code: err.code ?? null, type: err.type ?? null, message: String(err.message) } };
  }
}

for (const compress of [false, true]) {
  const client = createClient({
    url,
    ...(username !== undefined ? { username, password: password ?? "" } : {}),
    compression: { response: compress, request: false },
  });
  const tag = compress ? "gzip_" : "";
  await attempt(`${tag}ping`, async () => (await client.ping()).success);
  await attempt(`${tag}rows`, async () => {
    const rs = await client.query({
      query: "SELECT case_id, court, note FROM cases ORDER BY case_id",
      format: "JSONEachRow",
    });
    return await rs.json();
  });
  await attempt(`${tag}by_court`, async () => {
    const rs = await client.query({
      query: "SELECT court, cases, defendants FROM cases_by_court ORDER BY court",
      format: "JSON",
    });
    const body = await rs.json();
    return { meta: body.meta, data: body.data, rows: body.rows };
  });
  await attempt(`${tag}param`, async () => {
    const rs = await client.query({
      query: "SELECT {x:String} AS x, {n:UInt32} + 1 AS n",
      format: "JSONEachRow",
      query_params: { x: `it's "q"; DROP TABLE cases; --`, n: 41 },
    });
    return await rs.json();
  });
  await attempt(`${tag}insert`, async () => {
    await client.insert({
      table: "cases",
      values: [{ case_id: 9, court: "X", article: "1", opened: "2024-01-01", defendants: 1, note: null }],
      format: "JSONEachRow",
    });
    return "inserted";
  });
  await attempt(`${tag}command`, async () => {
    await client.command({ query: "DROP TABLE cases" });
    return "dropped";
  });
  await client.close();
}
console.log(JSON.stringify(out));
