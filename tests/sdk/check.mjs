// SPDX-License-Identifier: Apache-2.0
// The bookkeeping of tests/sdk/client.mjs: one line a check ("ok VERSION OPERATION what" or
// "FAIL ..."), every SDK call's outcome kept for the operation × version table, and every
// request written down (method, path, status; $CALLS) and every x-ms-request-id ($IDS) for run.sh to find in the server's access log.
import { appendFileSync } from "node:fs";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const cells = new Map(); // "op\tversion" -> { pass, fail, seen: Set of outcomes }
const failures = [];
const requestIds = new Map(); // version -> { n: calls, without: ["op status" of those without one] }
let passed = 0;

function cell(v, op) {
	const k = `${op}\t${v}`;
	if (!cells.has(k)) cells.set(k, { pass: 0, fail: 0, seen: new Set() });
	return cells.get(k);
}

// check(v, op, what, cond, detail): the check passes when cond is true; detail says what
// the SDK gave when it is not.
export function check(v, op, what, cond, detail = "") {
	const c = cell(v, op);
	if (cond) {
		passed++;
		c.pass++;
		console.log(`ok ${v} ${op} ${what}`);
	} else {
		c.fail++;
		const line = `FAIL ${v} ${op} ${what}${detail ? ": " + detail : ""}`;
		failures.push(line);
		console.log(line);
	}
}

// What an error is, as a user of the SDK meets it.
export const said = (e) =>
	e ? `${e.statusCode ?? "-"} ${e.code ?? e.name}: ${String(e.message).slice(0, 160)}` : "resolved";

// call(v, op, fn): runs one SDK call; {res} when it resolved, {err} when it rejected. Every
// response must carry an x-ms-request-id (a GUID); the request goes to $CALLS for run.sh.
export async function call(v, op, fn) {
	let res, err;
	try {
		res = await fn();
	} catch (e) {
		err = e;
	}
	const r = res ? res._response : err && err.response;
	const rq = res ? res._response.request : err && err.request;
	const status = r ? r.status : undefined;
	cell(v, op).seen.add(res ? String(status) : `${err.statusCode ?? "-"} ${err.code ?? err.name}`);
	// the SDK sends client.apiVersion: a version table row is only as real as the query the
	// server saw (a nextLink keeps the version it was made with: the same)
	if (rq && /^\d{4}-\d{2}-\d{2}/.test(v)) {
		const sent = new URL(rq.url).searchParams.get("api-version");
		if (sent !== v) check(v, op, `sent api-version=${v}`, false, `sent ${sent}`);
	}
	if (rq && process.env.CALLS) {
		appendFileSync(process.env.CALLS, `${rq.method} ${new URL(rq.url).pathname} ${status ?? "none"}\n`);
	}
	const id = r && r.headers ? r.headers.get("x-ms-request-id") : undefined;
	// one check a version (in its own row of the table), naming the calls without one
	const ids = requestIds.get(v) ?? { n: 0, without: [] };
	ids.n++;
	if (!GUID.test(id ?? "")) ids.without.push(`${op} ${status}`);
	requestIds.set(v, ids);
	if (id && process.env.IDS) appendFileSync(process.env.IDS, `${id}\n`);
	return { res, err };
}

// expectOk: resolved with this status (then the caller checks the object)
export async function expectOk(v, op, what, status, fn) {
	const out = await call(v, op, fn);
	const got = out.res ? out.res._response.status : undefined;
	check(v, op, `${what}: ${status}`, got === status, out.res ? `status ${got}` : said(out.err));
	return out;
}

// expectErr: rejected with err.statusCode and err.code as an ARM client reads them
export async function expectErr(v, op, what, status, code, fn) {
	const out = await call(v, op, fn);
	const e = out.err;
	check(v, op, `${what}: ${status} ${code}`, !!e && e.statusCode === status && e.code === code,
		e ? said(e) : `resolved ${out.res._response.status}`);
	return out;
}

export function finish(versions) {
	for (const [v, { n, without }] of requestIds) {
		check(v, "x-ms-request-id", `on every response, a GUID (${n - without.length} of ${n})`, without.length === 0,
			`none on ${[...new Set(without)].slice(0, 6).join(", ")}${without.length > 6 ? ", ..." : ""}`);
	}
	const ops = [...new Set([...cells.keys()].map((k) => k.split("\t")[0]))];
	const w = Math.max(...ops.map((o) => o.length));
	console.log("\noperation × api-version (ok = every check passed; else failed/checks, and the outcomes the SDK gave)");
	console.log(`| ${"operation".padEnd(w)} | ${versions.join(" | ")} |`);
	console.log(`|${"-".repeat(w + 2)}|${versions.map(() => "---").join("|")}|`);
	for (const op of ops) {
		const row = versions.map((v) => {
			const c = cells.get(`${op}\t${v}`);
			if (!c) return "—";
			const seen = [...c.seen].join(", ");
			return c.fail ? `FAIL ${c.fail}/${c.pass + c.fail} (${seen})` : `ok (${seen})`;
		});
		console.log(`| ${op.padEnd(w)} | ${row.join(" | ")} |`);
	}
	console.log(`\nsdk: ${passed} passed, ${failures.length} failed`);
	if (failures.length) {
		console.log("failed checks:");
		for (const f of failures) console.log("  " + f);
	}
	return failures.length === 0;
}
