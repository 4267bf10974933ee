import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectCleanOutput, runCliAsync } from "../helpers/cli.js";
import { closedPort } from "../helpers/net.js";
import { FIXTURE_PRICES, PROJECT_ROOT } from "../helpers/paths.js";
import { WebhookReceiver } from "../helpers/webhook.js";

const receiver = new WebhookReceiver();
let hook = "";
let journal = "";
const validate = new Ajv2020({ strict: true }).compile(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "schema", "notify.schema.json"), "utf8")));

beforeAll(async () => {
  hook = `${await receiver.start()}/hook`;
});
afterAll(() => receiver.stop());
beforeEach(() => {
  receiver.posts.length = 0;
  receiver.failFirst = 0;
  receiver.redirect = null;
  receiver.stallAfterAnswer = false;
  journal = path.join(mkdtempSync(path.join(tmpdir(), "rotation-notify-")), "journal.jsonl");
});

const log = (asOf: string, extra: string[] = [], env: Record<string, string> = {}) =>
  runCliAsync(["log", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--journal", journal, "--as-of", asOf, ...extra], env);
const events = () => receiver.posts.map((p) => JSON.parse(p.body) as { event: string; asOf: string; pair: string | null; text: string });

describe("rotation notify test", () => {
  it("posts one message marked as a test to the URL given, or to each configured webhook, and says what each answered", async () => {
    const given = await runCliAsync(["notify", "test", hook]);
    expectCleanOutput(given);
    expect(given.status).toBe(0);
    expect(given.stderr).toMatch(/^rotation: http:\/\/127\.0\.0\.1:\d+\/…: delivered \(answered 2xx in \d+ ms\)\n$/);
    expect(events().map((e) => [e.event, e.pair])).toEqual([["test", null]]);
    expect(events()[0]!.text).toMatch(/^rotation \d+\.\d+\.\d+ on .+: a test message \(rotation notify test\); no signal is meant\.$/);
    expect(validate(JSON.parse(receiver.posts[0]!.body))).toBe(true);
    expect(receiver.posts[0]!.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    // Every configured webhook, each said in its own line; a dead one fails the run (exit 1).
    const port = await closedPort();
    const both = await runCliAsync(["notify", "test", "--notify-format", "text"], { ROTATION_NOTIFY: `${hook} http://127.0.0.1:${port}/dead` });
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/: delivered \(answered 2xx/);
    expect(both.stderr).toMatch(new RegExp(`rotation: http://127\\.0\\.0\\.1:${port}/…: not delivered: `));
    expect(receiver.posts.at(-1)!.contentType).toMatch(/^text\/plain/);
    // Nothing to test: a usage error.
    const none = await runCliAsync(["notify", "test"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe("rotation: no webhook to test: give a URL (rotation notify test URL), --notify URL, ROTATION_NOTIFY or the config file's notify\n");
  });
});

describe("rotation log --notify", () => {
  it("posts one event per change: July 2024's signal starts, is quiet while it lasts, and ends", async () => {
    expect((await log("2024-07-11", ["--notify", hook])).status).toBe(0);
    // The first record: the receiver is told it is watched (and so that its webhook works).
    expect(events().map((e) => [e.event, e.asOf, e.pair])).toEqual([["watching", "2024-07-11", null]]);
    expect(events()[0]!.text).toBe("rotation now watches IWM:SPY, from the record of 2024-07-11 (no signal); what changes will be posted here.");
    receiver.posts.length = 0;
    const started = await log("2024-07-12", ["--notify", hook]);
    expectCleanOutput(started);
    expect(events().map((e) => [e.event, e.asOf, e.pair])).toEqual([["signal-started", "2024-07-12", "IWM:SPY"]]);
    expect(events()[0]!.text).toMatch(/^IWM:SPY: SMALL-SURGE started on 2024-07-12: IWM outran SPY by \d+\.\d\d points \(percentile \d+\.\d\d\)\.$/);
    for (const post of receiver.posts) {
      expect(validate(JSON.parse(post.body))).toBe(true);
      expect(post.contentType).toBe("application/json");
    }
    // Still on: nothing new. The same day again: nothing twice.
    await log("2024-07-15", ["--notify", hook]);
    expect((await log("2024-07-15", ["--notify", hook, "--replace"])).status).toBe(0);
    const quiet = events().filter((e) => e.event.startsWith("signal"));
    expect(quiet).toHaveLength(1);
    await log("2024-08-30", ["--notify", hook]);
    expect(events().filter((e) => e.event === "signal-ended").map((e) => e.asOf)).toEqual(["2024-08-30"]);
  });

  it("--notify-format text posts the sentence alone; ROTATION_NOTIFY works like the flag", async () => {
    await log("2024-07-11");
    await log("2024-07-12", ["--notify-format", "text"], { ROTATION_NOTIFY: hook });
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]!.contentType).toMatch(/^text\/plain/);
    expect(receiver.posts[0]!.body).toMatch(/^IWM:SPY: SMALL-SURGE started on 2024-07-12/);
  });

  it("a redirect that would drop the POST's body (301, 302, 303) is a failure, not a delivery: the next run tries again", async () => {
    await log("2024-07-11");
    receiver.redirect = { from: "/hook", status: 302, to: "/elsewhere" };
    const refused = await log("2024-07-12", ["--notify", hook]);
    expect(refused.status).toBe(0);
    expect(refused.stderr).toMatch(/warning: could not notify http:\/\/127\.0\.0\.1:\d+\/… of signal-started IWM:SPY: HTTP 302: the webhook redirects in a way that turns the POST into a GET without its body; not delivered \(give --notify the final URL\)/);
    expect(receiver.posts.map((p) => [p.method, p.path])).toEqual([["POST", "/hook"]]);
    // Not recorded as delivered: a later run with the same record sends it.
    receiver.redirect = null;
    await log("2024-07-12", ["--notify", hook, "--replace"]);
    expect(events().filter((e) => e.event === "signal-started")).toHaveLength(2);
  });

  it("a 307 or 308 is followed with the method and body kept; the idempotency key is the same in header and body, on every send", async () => {
    await log("2024-07-11");
    receiver.redirect = { from: "/hook", status: 307, to: "/moved" };
    expect((await log("2024-07-12", ["--notify", hook])).status).toBe(0);
    expect(receiver.posts.map((p) => [p.method, p.path])).toEqual([["POST", "/hook"], ["POST", "/moved"]]);
    const [first, second] = receiver.posts;
    expect(second!.body).toBe(first!.body);
    const body = JSON.parse(second!.body) as { idempotencyKey: string };
    expect(body.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    expect(second!.idempotencyKey).toBe(body.idempotencyKey);
    expect(first!.idempotencyKey).toBe(body.idempotencyKey);
  });

  it("a receiver that answers 200 and then stalls is posted to once, and the delivery counts", async () => {
    await log("2024-07-11");
    receiver.stallAfterAnswer = true;
    const run = await log("2024-07-12", ["--notify", hook]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/could not notify/);
    expect(receiver.posts).toHaveLength(1);
    expect(readFileSync(`${journal}.notified`, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("an event a failed delivery left unsent goes out with the next run of the same day, though the day is already logged; never twice", async () => {
    await log("2024-07-11");
    const port = await closedPort();
    const down = await log("2024-07-12", ["--notify", `http://127.0.0.1:${port}/hook`]);
    expect(down.stderr).toMatch(/warning: could not notify/);
    const again = await log("2024-07-12", ["--notify", hook]);
    expect(again.stderr).toMatch(/2024-07-12 is already logged/);
    expect(events().map((e) => [e.event, e.asOf])).toEqual([["signal-started", "2024-07-12"]]);
    await log("2024-07-12", ["--notify", hook]);
    expect(events()).toHaveLength(1);
  });

  it("an event a failed delivery left unsent goes out with the next day's run (the outbox), and never twice", async () => {
    await log("2024-07-11");
    // The receiver refuses the next three requests: the first run's three tries.
    receiver.failFirst = receiver.requests + 3;
    const failed = await log("2024-07-12", ["--notify", hook]);
    expect(failed.stderr).toMatch(/could not notify .* of signal-started IWM:SPY: HTTP 500 Internal Server Error after 3 tries \(the next run tries again\)/);
    expect(events()).toEqual([]);
    // The next day the signal goes on (no new event of its own): the pending one is delivered.
    expect((await log("2024-07-15", ["--notify", hook])).status).toBe(0);
    expect(events().map((e) => [e.event, e.asOf])).toEqual([["signal-started", "2024-07-12"]]);
    await log("2024-07-16", ["--notify", hook]);
    expect(events().filter((e) => e.event === "signal-started" && e.asOf === "2024-07-12")).toHaveLength(1);
    const outbox = readFileSync(`${journal}.outbox`, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(outbox.filter((e: { alert: { event: string; asOf: string } }) => e.alert.event === "signal-started" && e.alert.asOf === "2024-07-12")).toHaveLength(1);
    expect(statSync(`${journal}.outbox`).mode & 0o777).toBe(0o600);
  });

  it("a record's events are in the outbox once the record is written: a run killed before it could post loses none", async () => {
    await log("2024-07-11");
    // Another run holds the delivery lock: this one writes its record, then waits, and is killed there.
    const lock = `${journal}.notified.lock`;
    mkdirSync(lock);
    writeFileSync(`${lock}.owner`, JSON.stringify({ pid: process.pid, host: hostname(), token: "held by the test" }));
    const killed = await runCliAsync(["log", "--data", FIXTURE_PRICES, "--pairs", "IWM:SPY", "--journal", journal, "--as-of", "2024-07-12", "--notify", hook], {}, undefined, { killWhen: /waiting for .*notified\.lock/ });
    expect(killed.status).toBeNull();
    expect(readFileSync(journal, "utf8")).toMatch(/"asOf":"2024-07-12"/);
    const queued = readFileSync(`${journal}.outbox`, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { alert: { event: string; asOf: string } });
    expect(queued.map((e) => [e.alert.event, e.alert.asOf])).toEqual([["signal-started", "2024-07-12"]]);
    expect(events()).toEqual([]);
    rmSync(`${lock}.owner`);
    rmSync(lock, { recursive: true });
    // The next day's run (no new event of its own) delivers it, once.
    expect((await log("2024-07-15", ["--notify", hook])).status).toBe(0);
    expect(events().map((e) => [e.event, e.asOf])).toEqual([["signal-started", "2024-07-12"]]);
  });

  it("runs started together send each event once: eight --replace runs, eight failing runs", async () => {
    await log("2024-07-11");
    await log("2024-07-12");
    const replaced = await Promise.all(Array.from({ length: 8 }, () => log("2024-07-12", ["--notify", hook, "--replace"])));
    for (const run of replaced) expect(run.status).toBe(0);
    expect(events().filter((e) => e.event === "signal-started")).toHaveLength(1);
    const failing = await Promise.all(Array.from({ length: 8 }, () => runCliAsync(["log", "--data", path.join(journal, "..", "no-such-folder"), "--pairs", "IWM:SPY", "--journal", journal, "--notify", hook])));
    for (const run of failing) expect(run.status).toBe(1);
    expect(events().filter((e) => e.event === "failed")).toHaveLength(1);
  });

  it("retries a 500, delivering once", async () => {
    await log("2024-07-11");
    receiver.failFirst = 1;
    expect((await log("2024-07-12", ["--notify", hook])).status).toBe(0);
    expect(receiver.requests).toBeGreaterThanOrEqual(2);
    expect(events().filter((e) => e.event === "signal-started")).toHaveLength(1);
  });

  it("a receiver that is down is a warning; the journal record is written and intact", async () => {
    await log("2024-07-11");
    const down = `http://127.0.0.1:${await closedPort()}/hook`;
    const result = await log("2024-07-12", ["--notify", down]);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^warning: could not notify http:\/\/127\.0\.0\.1:\d+\/… of signal-started IWM:SPY: ECONNREFUSED after 3 tries \(the next run tries again\)$/m);
    const records = readFileSync(journal, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(records.map((r) => r.asOf)).toEqual(["2024-07-11", "2024-07-12"]);
    // Undelivered, so a later run (the receiver back) sends it.
    expect((await log("2024-07-12", ["--notify", hook, "--replace"])).status).toBe(0);
    expect(events().map((e) => e.event)).toContain("signal-started");
  });

  it("a failed run posts failed once; a token in the URL is never printed", async () => {
    const secret = `${hook.replace("http://", "http://user:s3cret@")}?token=abc123`;
    const yahooDown = { ROTATION_YAHOO_URL: `http://127.0.0.1:${await closedPort()}`, ROTATION_CACHE_DIR: path.dirname(journal) };
    const failed = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal, "--no-fallback", "--notify", secret], yahooDown);
    expect(failed.status).toBe(1);
    expect(events().map((e) => [e.event, e.pair])).toEqual([["failed", null]]);
    expect(events()[0]!.text).toMatch(/^rotation log failed on \d{4}-\d\d-\d\d: cannot reach Yahoo Finance/);
    expect(receiver.posts[0]!.path).toBe("/hook?token=abc123");
    await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", journal, "--no-fallback", "--notify", secret], yahooDown);
    expect(events()).toHaveLength(1);
    const down = `http://user:s3cret@127.0.0.1:${await closedPort()}/hook?token=abc123`;
    const quiet = await runCliAsync(["log", "--pairs", "IWM:SPY", "--journal", path.join(path.dirname(journal), "other.jsonl"), "--no-fallback", "--notify", down], yahooDown);
    for (const text of [failed.stderr, quiet.stderr]) {
      expect(text).not.toMatch(/s3cret|abc123/);
    }
    expect(quiet.stderr).toMatch(/could not notify http:\/\/127\.0\.0\.1:\d+\/… of failed/);
  });

  it("refuses a URL that is not http or https", async () => {
    const result = await log("2024-07-12", ["--notify", "file:///etc/passwd"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("rotation: --notify: only http: and https: webhooks are supported, got file:\n");
  });
});
