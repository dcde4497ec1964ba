// SPDX-License-Identifier: Apache-2.0
// Microsoft's own Node.js SDK (@azure/arm-azurestack 2.1.1, unmodified) against registrar serve
// over HTTPS, at every published api-version: every operation it has for registrations and
// customerSubscriptions, success and refusal, plus operations and products. It asserts what
// the SDK returns (objects, _response.status, err.code, err.statusCode), as an integrator's
// script would read them. Run by tests/sdk/run.sh, which sets the environment below.
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { check, call, expectOk, expectErr, said, finish } from "./check.mjs";

// CommonJS resolution, so that NODE_PATH ($(BUILD)/sdk/node_modules) finds the SDK
const require = createRequire(import.meta.url);
const { AzureStackManagementClient } = require("@azure/arm-azurestack");

const { PORT, WORK, WS, SUB, KI } = process.env;
const RG = "rg-sdk";
const VERSIONS = ["2016-01-01", "2017-06-01", "2020-06-01-preview", "2022-06-01"];
const PAGED = "2017-06-01"; // the one version mapping 101 subscriptions (the server pages at 100)
const SECRET = readFileSync(`${WS}/api.secret`, "utf8").trim();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const credential = { getToken: async () => ({ token: SECRET, expiresOnTimestamp: Date.now() + 3600e3 }) };
const baseUri = `https://127.0.0.1:${PORT}`;
const client = new AzureStackManagementClient(credential, SUB, { baseUri });
// ARM's examples give subscription GUIDs in upper case: the same resources must answer
const clientU = new AzureStackManagementClient(credential, SUB.toUpperCase(), { baseUri });
const token = (f) => readFileSync(`${WORK}/${f}`, "utf8").trim();
const cloudOf = (st) => readFileSync(`${WORK}/${st}/cloud-id`, "utf8").trim();
const regId = (n) => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.AzureStack/registrations/${n}`;
const sameId = (a, b) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();
const hdr = (h) => ({ customHeaders: h });
const WRONG = '"00000000-0000-0000-0000-000000000000"';

function isRegistration(v, op, r, name, cloudId) {
	check(v, op, `id ${regId(name)}`, sameId(r.id, regId(name)), `got ${r.id}`);
	check(v, op, "name, type, location", r.name === name && r.type === "Microsoft.AzureStack/registrations" &&
		r.location === "global", `got ${r.name} ${r.type} ${r.location}`);
	check(v, op, "etag a quoted tag", typeof r.etag === "string" && /^"[0-9a-f]{32}"$/.test(r.etag), `got ${r.etag}`);
	// the ETag header of a GET, PUT or PATCH is the body's etag (a list's item has no header)
	if (r._response) {
		const h = r._response.headers.get("etag");
		check(v, op, "ETag header = etag", h === r.etag, `header ${h}, etag ${r.etag}`);
	}
	// systemData only at 2020-06-01-preview, and the SDK hands it over (ISO 8601 UTC strings)
	const sd = r.systemData;
	const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
	check(v, op, v === "2020-06-01-preview" ? "systemData createdAt, lastModifiedAt" : "no systemData",
		v === "2020-06-01-preview" ? !!sd && iso.test(sd.createdAt) && iso.test(sd.lastModifiedAt) &&
			sd.lastModifiedAt >= sd.createdAt : sd === undefined, JSON.stringify(sd));
	check(v, op, "cloudId, objectId, billingModel", r.cloudId === cloudId && GUID.test(r.objectId ?? "") &&
		r.billingModel === "Capacity", `got ${r.cloudId} ${r.objectId} ${r.billingModel}`);
}

function isCustomerSubscription(v, op, cs, reg, sid, tenant) {
	const id = `${regId(reg)}/customerSubscriptions/${sid}`;
	check(v, op, `id ${id} (lower case)`, sameId(cs.id, id) && cs.id.endsWith(sid), `got ${cs.id}`);
	check(v, op, `name ${reg}/${sid}`, cs.name === `${reg}/${sid}`, `got ${cs.name}`);
	check(v, op, "type .../registrations/customerSubscriptions",
		cs.type === "Microsoft.AzureStack/registrations/customerSubscriptions", `got ${cs.type}`);
	check(v, op, `tenantId ${tenant} (lower case)`, cs.tenantId === tenant, `got ${cs.tenantId}`);
	check(v, op, "no etag, location or systemData (none published for it here)",
		cs.etag === undefined && cs.location === undefined && cs.systemData === undefined,
		`${cs.etag} ${cs.location} ${JSON.stringify(cs.systemData)}`);
}

// The activation key: a compact JWS of the registrar's typ, which key-import (the real
// verifier) takes on the stamp whose token registered it.
function isActivationKey(v, key, st) {
	const op = "registrations.getActivationKey";
	const parts = typeof key === "string" ? key.split(".") : [];
	let typ;
	try { typ = JSON.parse(Buffer.from(parts[0], "base64url")).typ; } catch { typ = undefined; }
	check(v, op, "a compact JWS, typ airreg-activation-key",
		parts.length === 3 && parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)) && typ === "airreg-activation-key", `typ ${typ}`);
	writeFileSync(`${WORK}/key-${v}.txt`, `${key}\n`);
	const ki = spawnSync(KI, ["--state-dir", `${WORK}/${st}`, `${WORK}/key-${v}.txt`], { encoding: "utf8" });
	check(v, op, "key-import takes it on its stamp", ki.status === 0, `exit ${ki.status}: ${ki.stderr.trim()}`);
}

async function registrations(v) {
	const op = "registrations";
	const name = `sdk-${v}`, other = `sdk-${v}-new`, st = `st-${v}`, cloud = cloudOf(st);
	const tok = token(`tok-${v}.txt`), tok2 = token(`tok2-${v}.txt`);
	const body = { location: "global", registrationToken: tok };
	let o = await expectOk(v, `${op}.createOrUpdate`, "new", 201, () => client.registrations.createOrUpdate(RG, name, body));
	if (o.res) isRegistration(v, `${op}.createOrUpdate`, o.res, name, cloud);
	const oid = o.res && o.res.objectId;
	o = await expectOk(v, `${op}.createOrUpdate`, "the same token again", 200, () => client.registrations.createOrUpdate(RG, name, body));
	check(v, `${op}.createOrUpdate`, "same objectId", o.res && o.res.objectId === oid, o.res ? o.res.objectId : "");
	await expectErr(v, `${op}.createOrUpdate`, "a junk token", 400, "InvalidRegistrationToken",
		() => client.registrations.createOrUpdate(RG, `${name}-junk`, { location: "global", registrationToken: "junk" }));
	o = await expectOk(v, `${op}.get`, "get", 200, () => client.registrations.get(RG, name));
	if (o.res) isRegistration(v, `${op}.get`, o.res, name, cloud);
	o = await expectOk(v, `${op}.get`, "get, subscription in UPPER case", 200, () => clientU.registrations.get(RG, name));
	check(v, `${op}.get`, "UPPER case subscription: the same registration", o.res && o.res.objectId === oid, o.res && o.res.id);
	await expectErr(v, `${op}.get`, "an unknown name", 404, "RegistrationNotFound", () => client.registrations.get(RG, `${name}-nosuch`));
	for (const [c, how] of [[client, ""], [clientU, ", subscription in UPPER case"]]) {
		o = await expectOk(v, `${op}.list`, `list${how}`, 200, () => c.registrations.list(RG));
		const mine = o.res ? o.res.find((r) => r.name === name) : undefined;
		check(v, `${op}.list`, `holds ${name}${how}`, !!mine, o.res ? o.res.map((r) => r.name).join(",") : "");
		if (mine) isRegistration(v, `${op}.list`, mine, name, cloud);
		if (o.res && o.res.nextLink) await expectOk(v, `${op}.listNext`, "the next page", 200, () => c.registrations.listNext(o.res.nextLink));
	}
	o = await expectOk(v, `${op}.update`, "PATCH with the same token", 200, () => client.registrations.update(RG, name, body));
	if (o.res) isRegistration(v, `${op}.update`, o.res, name, cloud);
	await expectErr(v, `${op}.update`, "PATCH of a name never registered", 404, "RegistrationNotFound",
		() => client.registrations.update(RG, `${name}-never`, { location: "global", registrationToken: tok2 }));
	await expectErr(v, `${op}.get`, "PATCH created nothing", 404, "RegistrationNotFound", () => client.registrations.get(RG, `${name}-never`));
	o = await expectOk(v, `${op}.getActivationKey`, "getActivationKey", 200, () => client.registrations.getActivationKey(RG, name));
	if (o.res) isActivationKey(v, o.res.activationKey, st);

	// If-Match / If-None-Match: a wrong etag changes nothing
	o = await call(v, `${op}.get`, () => client.registrations.get(RG, name));
	const etag = o.res && o.res.etag;
	const bad = hdr({ "If-Match": WRONG });
	await expectErr(v, `${op}.createOrUpdate`, "If-Match a wrong etag", 412, "PreconditionFailed", () => client.registrations.createOrUpdate(RG, name, body, bad));
	await expectErr(v, `${op}.update`, "If-Match a wrong etag", 412, "PreconditionFailed", () => client.registrations.update(RG, name, body, bad));
	await expectErr(v, `${op}.deleteMethod`, "If-Match a wrong etag", 412, "PreconditionFailed", () => client.registrations.deleteMethod(RG, name, bad));
	o = await expectOk(v, `${op}.get`, "after the refused If-Match", 200, () => client.registrations.get(RG, name));
	check(v, `${op}.get`, "etag unchanged by the refusals", !!etag && o.res && o.res.etag === etag, `${etag} then ${o.res && o.res.etag}`);
	await expectOk(v, `${op}.createOrUpdate`, "If-Match the etag", 200, () => client.registrations.createOrUpdate(RG, name, body, hdr({ "If-Match": etag ?? WRONG })));
	o = await call(v, `${op}.get`, () => client.registrations.get(RG, name));
	await expectOk(v, `${op}.update`, "If-Match the etag", 200, () => client.registrations.update(RG, name, body, hdr({ "If-Match": (o.res && o.res.etag) ?? WRONG })));
	await expectErr(v, `${op}.createOrUpdate`, "If-None-Match * of an existing one", 412, "PreconditionFailed",
		() => client.registrations.createOrUpdate(RG, name, body, hdr({ "If-None-Match": "*" })));
	o = await expectOk(v, `${op}.createOrUpdate`, "If-None-Match * of a new one", 201,
		() => client.registrations.createOrUpdate(RG, other, { location: "global", registrationToken: tok2 }, hdr({ "If-None-Match": "*" })));
	if (o.res) isRegistration(v, `${op}.createOrUpdate`, o.res, other, cloudOf(`st2-${v}`));
	o = await call(v, `${op}.get`, () => client.registrations.get(RG, other));
	o = await expectOk(v, `${op}.deleteMethod`, "If-Match the etag", 200, () => client.registrations.deleteMethod(RG, other, hdr({ "If-Match": (o.res && o.res.etag) ?? WRONG })));
	check(v, `${op}.deleteMethod`, "no body", o.res && !o.res._response.bodyAsText, o.res && o.res._response.bodyAsText);
}

async function customerSubscriptions(v, vi) {
	const op = "customerSubscriptions", reg = `sdk-${v}`;
	const cs = client.customerSubscriptions;
	const sid = (n) => `${vi}0000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
	const t1 = "0a0a0a0a-1111-4222-8333-444444444444", t2 = "0b0b0b0b-1111-4222-8333-444444444444";
	let o = await expectOk(v, `${op}.create`, "new", 200, () => cs.create(RG, reg, sid(1), { tenantId: t1 }));
	if (o.res) isCustomerSubscription(v, `${op}.create`, o.res, reg, sid(1), t1);
	o = await expectOk(v, `${op}.create`, "another tenant (replaced), given in UPPER case", 200, () => cs.create(RG, reg, sid(1), { tenantId: t2.toUpperCase() }));
	if (o.res) isCustomerSubscription(v, `${op}.create`, o.res, reg, sid(1), t2);
	const upper = `ABCDEF0${vi}-0000-4000-8000-00000000000A`;
	o = await expectOk(v, `${op}.create`, "the subscription id in UPPER case", 200, () => cs.create(RG, reg, upper, { tenantId: t1 }));
	if (o.res) isCustomerSubscription(v, `${op}.create`, o.res, reg, upper.toLowerCase(), t1);
	await expectErr(v, `${op}.create`, "a bad tenantId", 400, "InvalidTenantId", () => cs.create(RG, reg, sid(2), { tenantId: "not-a-guid" }));
	o = await expectOk(v, `${op}.get`, "get", 200, () => cs.get(RG, reg, sid(1)));
	if (o.res) isCustomerSubscription(v, `${op}.get`, o.res, reg, sid(1), t2);
	o = await expectOk(v, `${op}.get`, "get, both GUIDs in UPPER case", 200, () => clientU.customerSubscriptions.get(RG, reg, upper));
	if (o.res) isCustomerSubscription(v, `${op}.get`, o.res, reg, upper.toLowerCase(), t1);
	await expectErr(v, `${op}.get`, "an unmapped one", 404, "CustomerSubscriptionNotFound", () => cs.get(RG, reg, sid(999)));
	const want = new Set([sid(1), upper.toLowerCase()]);
	const more = v === PAGED ? 100 : 1; // at PAGED over 100 (101 even if the UPPER case one is refused): a second page
	const refused = [];
	for (let n = 3; n < 3 + more; n++) {
		// a tenant maps to one subscription (docs/spec.md): each its own
		const { err } = await call(v, `${op}.create`, () => cs.create(RG, reg, sid(n), { tenantId: `0c0c0c0c-0000-4000-8000-${String(n).padStart(12, "0")}` }));
		if (err) refused.push(said(err));
		want.add(sid(n));
	}
	check(v, `${op}.create`, `${more} more, each resolved`, refused.length === 0, `${refused.length} rejected, first: ${refused[0]}`);
	o = await expectOk(v, `${op}.list`, `list (${want.size} mapped)`, 200, () => cs.list(RG, reg));
	const got = o.res ? [...o.res] : [];
	let link = o.res && o.res.nextLink;
	check(v, `${op}.list`, want.size > 100 ? "a first page of 100 and a nextLink" : "one page, no nextLink",
		want.size > 100 ? got.length === 100 && !!link : got.length === want.size && !link, `${got.length} items, nextLink ${link}`);
	for (let pages = 0; link && pages < 5; pages++) {
		const next = link;
		o = await expectOk(v, `${op}.listNext`, "the next page", 200, () => cs.listNext(next));
		if (o.res) got.push(...o.res);
		link = o.res && o.res.nextLink;
	}
	const names = new Set(got.map((c) => c.name && c.name.split("/").pop()));
	check(v, `${op}.list`, `every page together: the ${want.size} mapped, once each`,
		got.length === want.size && [...want].every((s) => names.has(s)), `${got.length} items`);
	if (got.length) isCustomerSubscription(v, `${op}.list`, got.find((c) => c.name && c.name.endsWith(sid(1))) ?? got[0], reg, sid(1), t2);
	// the published API declares 200 and 204 (no body) for this DELETE: 200 removed, 204 not there
	for (const [what, status] of [["delete", 200], ["delete again", 204]]) {
		o = await call(v, `${op}.deleteMethod`, () => cs.deleteMethod(RG, reg, sid(1)));
		check(v, `${op}.deleteMethod`, `${what}: ${status}, no body`, !!o.res && o.res._response.status === status &&
			!o.res._response.bodyAsText, o.res ? `${o.res._response.status} ${o.res._response.bodyAsText}` : said(o.err));
	}
	await expectErr(v, `${op}.get`, "deleted", 404, "CustomerSubscriptionNotFound", () => cs.get(RG, reg, sid(1)));
}

async function others(v) {
	let o = await expectOk(v, "operations.list", "list", 200, () => client.operations.list());
	const ops = o.res ? [...o.res] : [];
	check(v, "operations.list", "non-empty, Microsoft.AzureStack/ names, display{provider,resource,operation,description}",
		ops.length > 0 && ops.every((x) => typeof x.name === "string" && x.name.startsWith("Microsoft.AzureStack/") && x.display &&
			["provider", "resource", "operation", "description"].every((k) => typeof x.display[k] === "string")),
		`${ops.length} operations`);
	if (o.res && o.res.nextLink) await expectOk(v, "operations.listNext", "next page", 200, () => client.operations.listNext(o.res.nextLink));
	const reg = `sdk-${v}`, p = client.products;
	for (const [name, fn] of [["list", () => p.list(RG, reg)], ["get", () => p.get(RG, reg, "p1")],
		["listDetails", () => p.listDetails(RG, reg, "p1")], ["getProducts", () => p.getProducts(RG, reg)],
		["getProduct", () => p.getProduct(RG, reg, "p1")], ["uploadLog", () => p.uploadLog(RG, reg, "p1")]]) {
		await expectErr(v, `products.${name}`, "off-line", 501, "NotSupportedOffline", fn);
	}
}

async function unregister(v) {
	const op = "registrations.deleteMethod", name = `sdk-${v}`;
	let o = await expectOk(v, op, "unregisters", 200, () => client.registrations.deleteMethod(RG, name));
	check(v, op, "no body", o.res && !o.res._response.bodyAsText, o.res && o.res._response.bodyAsText);
	// gone, as ARM's contract says (docs/api.md): GET is 404, the list leaves it out; the
	// workstation keeps its record (registrar show)
	await expectErr(v, "registrations.get", "after DELETE", 404, "RegistrationNotFound",
		() => client.registrations.get(RG, name));
	o = await expectOk(v, "registrations.list", "after DELETE", 200, () => client.registrations.list(RG));
	check(v, "registrations.list", "after DELETE: left out", o.res && !o.res.some((r) => r.name === name),
		o.res && o.res.map((r) => r.name).join(" "));
	await expectErr(v, "registrations.getActivationKey", "after DELETE", 404, "RegistrationNotFound",
		() => client.registrations.getActivationKey(RG, name));
	o = await expectOk(v, op, "again: nothing to unregister", 204, () => client.registrations.deleteMethod(RG, name));
}

for (const [vi, v] of VERSIONS.entries()) {
	client.apiVersion = clientU.apiVersion = v;
	// a bug of this script (an exception) is one failed check; the other parts still run
	for (const [part, fn] of [["registrations", registrations], ["customerSubscriptions", customerSubscriptions],
		["others", others], ["unregister", unregister]]) {
		try { await fn(v, vi + 1); } catch (e) { check(v, part, "ran to its end", false, e.stack); }
	}
}
const U = "2099-01-01";
client.apiVersion = U;
for (const [op, fn] of [["registrations.get", () => client.registrations.get(RG, "sdk-2017-06-01")],
	["operations.list", () => client.operations.list()]]) {
	const o = await expectErr(U, op, "an unknown api-version", 400, "InvalidApiVersionParameter", fn);
	check(U, op, "the message names the four versions", !!o.err && VERSIONS.every((s) => String(o.err.message).includes(s)),
		o.err && o.err.message);
}
process.exitCode = finish([...VERSIONS, U]) ? 0 : 1;
