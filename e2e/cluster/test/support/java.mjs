// Starts the Switchboard node of the mixed cluster (io.switchboard.adapter.redis.ClusterNodeMain) and waits for
// its "listening on 127.0.0.1:<port>" line.
//
// Classpath: $SWITCHBOARD_CLASSPATH when set, otherwise <repo>/target/classes, <repo>/target/test-classes and the
// contents of <repo>/target/test-classpath.txt, all written by `mvn test-compile` (or any later phase).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const MAIN_CLASS = "io.switchboard.adapter.redis.ClusterNodeMain";
const READY = /listening on .*:(\d+)/;

function classpath() {
  if (process.env.SWITCHBOARD_CLASSPATH) return process.env.SWITCHBOARD_CLASSPATH;
  const target = join(REPO_ROOT, "target");
  const file = join(target, "test-classpath.txt");
  if (!existsSync(file) || !existsSync(join(target, "test-classes", ...MAIN_CLASS.split(".")) + ".class")) {
    throw new Error(`${MAIN_CLASS} is not built: run \`mvn -q -DskipTests test-compile\` in ${REPO_ROOT} first, ` +
      "or set SWITCHBOARD_CLASSPATH");
  }
  return [join(target, "classes"), join(target, "test-classes"), readFileSync(file, "utf8").trim()]
    .filter((entry) => entry.length > 0).join(delimiter);
}

/** Starts the Java node on a free port; resolves to {port, stop()}. */
export async function startJavaNode({ key, redisUrl, sharded = false, timeoutMs = 30_000 }) {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const child = spawn(java, ["-cp", classpath(), MAIN_CLASS, "--key", key, "--redis", redisUrl, "--port", "0",
    "--sharded", String(sharded)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (process.env.CLUSTER_ECHO) process.stderr.write(chunk);
  };
  child.stderr.on("data", collect);
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Java node not ready within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      collect(chunk);
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Java node exited with ${code} before it was ready; output:\n${output}`));
    });
  });
  process.on("exit", () => child.kill("SIGKILL"));
  return {
    port,
    output: () => output,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.on("exit", () => {
        clearTimeout(timer);
        done();
      });
      child.kill("SIGTERM");
    }),
  };
}
