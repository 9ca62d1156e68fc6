import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The deployment files say what the program itself does: they run the built program `npm run start:prod`
 * runs, let a configuration error (exit 2) stop for good, leave the bot more time to stop than it takes, and
 * ship what the built program reads. Docker cannot run here; systemd's own checker runs when it is installed.
 */
const read = (path: string) => readFileSync(path, "utf8");
const startProd = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts["start:prod"]!;
const mainSource = read("src/main.ts");

/** `key=value` settings of a unit file (comments left out; a repeated key keeps its last value). */
const unitSettings = (text: string) =>
  Object.fromEntries(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#") && !l.startsWith("[") && l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );

describe("the systemd unit (deploy/bcd-bot.service)", () => {
  const unit = unitSettings(read("deploy/bcd-bot.service"));

  it("runs the built program as its own user, from its folder, with its environment file", () => {
    expect(startProd).toBe("node dist/src/main.js");
    expect(unit.ExecStart).toMatch(/^\/\S*node dist\/src\/main\.js$/);
    expect(unit.User).toBe("bcd-bot");
    expect(unit.WorkingDirectory).toBe("/opt/bcd-bot");
    expect(unit.EnvironmentFile).toBe("/etc/bcd-bot.env");
  });

  it("restarts after a failure but not after a configuration error, and waits for a clean stop", () => {
    expect(mainSource).toContain("process.exit(2)");
    expect(unit.Restart).toBe("on-failure");
    expect(unit.RestartPreventExitStatus).toBe("2");
    // main.ts gives up waiting for work in flight after 30 s.
    expect(mainSource).toContain("setTimeout(() => process.exit(1), 30_000)");
    expect(Number(unit.TimeoutStopSec)).toBeGreaterThan(30);
  });

  it("is hardened: no new privileges, a read-only system, only the data folder writable", () => {
    expect(unit).toMatchObject({ NoNewPrivileges: "yes", ProtectSystem: "strict", ReadWritePaths: "/opt/bcd-bot/data", ProtectHome: "yes", PrivateTmp: "yes", CapabilityBoundingSet: "" });
    // V8 compiles JavaScript to machine code at run time: this option would stop node.
    expect(unit.MemoryDenyWriteExecute).toBeUndefined();
  });

  it.skipIf(!existsSync("/usr/bin/systemd-analyze"))("passes systemd's own check: every key known, every value understood", () => {
    // It warns about an unknown key or a bad value and still exits 0: the output must be empty.
    const check = spawnSync("/usr/bin/systemd-analyze", ["verify", "deploy/bcd-bot.service"], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});

describe("the systemd template unit for several instances (deploy/bcd-bot@.service)", () => {
  const text = read("deploy/bcd-bot@.service");
  const unit = unitSettings(text);
  const single = unitSettings(read("deploy/bcd-bot.service"));

  it("reads the shared settings, then the instance's own file (its ports), and runs as the single unit does", () => {
    // EnvironmentFile is repeated: the shared file first, the instance's after (it wins).
    const files = text.split("\n").filter((l) => l.startsWith("EnvironmentFile=")).map((l) => l.slice("EnvironmentFile=".length));
    expect(files).toEqual(["/etc/bcd-bot.env", "/etc/bcd-bot/%i.env"]);
    for (const key of ["ExecStart", "User", "WorkingDirectory", "Restart", "RestartPreventExitStatus", "TimeoutStopSec", "NoNewPrivileges", "ProtectSystem", "CapabilityBoundingSet"]) {
      expect(unit[key], key).toBe(single[key]);
    }
    expect(unit.Conflicts).toBe("bcd-bot.service");
  });

  it.skipIf(!existsSync("/usr/bin/systemd-analyze"))("passes systemd's own check", () => {
    const check = spawnSync("/usr/bin/systemd-analyze", ["verify", "deploy/bcd-bot@.service"], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});

describe("the Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const runtime = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  const ignored = read(".dockerignore")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("builds on node:20-bookworm-slim and runs the built program with production dependencies, as a user that is not root", () => {
    expect(dockerfile.match(/^FROM .*/gm)?.every((l) => l.startsWith("FROM node:20-bookworm-slim"))).toBe(true);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    expect(runtime).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    expect(runtime).toMatch(/^USER bcd-bot$/m);
  });

  it("keeps the database in the /data volume and checks /healthz", () => {
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toContain("DATABASE_URL=file:/data/bcd-bot.sqlite");
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*HEALTH_PORT[\s\S]*\/healthz/);
  });

  it("copies what the build compiles and the built program reads, and the context leaves out secrets and data", () => {
    const build = JSON.parse(read("tsconfig.build.json")) as { include: string[] };
    for (const folder of build.include) expect(dockerfile).toContain(`COPY ${folder} ./${folder}`);
    // The built program finds its texts and its version beside dist/ (src/paths.ts).
    expect(runtime).toContain("COPY locales ./locales");
    expect(runtime).toContain("COPY --from=build /app/package.json ./");
    for (const secret of [".env", "data", "*.sqlite", "node_modules", ".git"]) expect(ignored).toContain(secret);
    for (const needed of ["src", "db", "locales", "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json"]) expect(ignored).not.toContain(needed);
  });
});
