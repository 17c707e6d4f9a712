// Starts Java fixture processes for the end-to-end tests.
//
//   const server = await startJava("io.switchboard.some.Fixture", ["--port", "0"]);
//   ... connect to `http://127.0.0.1:${server.port}` ...
//   await server.stop();
//
// The process must print a line matching /listening on .*:(\d+)/ on stdout once it
// accepts connections; the captured number is the port.
//
// Classpath: $SWITCHBOARD_CLASSPATH when set, otherwise
//   <repo>/target/classes : <repo>/target/test-classes : contents of <repo>/target/test-classpath.txt
// (the latter is written by `./mvnw verify` / `./mvnw generate-test-resources`).

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const READY_PATTERN = /listening on .*:(\d+)/;
// a bound for a start that fails, not an expectation: JVMs started side by side on a loaded 2-core machine take long
export const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 1_000_000;

/** The classpath for the Java fixtures; throws a helpful error when the build has not run. */
export function computeClasspath(root = REPO_ROOT) {
  if (process.env.SWITCHBOARD_CLASSPATH) {
    return process.env.SWITCHBOARD_CLASSPATH;
  }
  const target = join(root, "target");
  const classpathFile = join(target, "test-classpath.txt");
  if (!existsSync(classpathFile)) {
    throw new Error(
      `${classpathFile} is missing: run \`./mvnw test-compile\` first ` +
        "(or `./mvnw -q dependency:build-classpath -Dmdep.includeScope=test " +
        "-Dmdep.outputFile=target/test-classpath.txt`), or set SWITCHBOARD_CLASSPATH",
    );
  }
  const dependencies = readFileSync(classpathFile, "utf8").trim();
  return [join(target, "classes"), join(target, "test-classes"), dependencies]
    .filter((entry) => entry.length > 0)
    .join(delimiter);
}

function javaExecutable() {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome) {
    const candidate = join(javaHome, "bin", process.platform === "win32" ? "java.exe" : "java");
    if (existsSync(candidate)) return candidate;
  }
  return "java";
}

// Every process started here, so none outlives the test file even when a test forgets stop().
const running = new Set();
// Netty's leak reports from the fixtures (run at paranoid level): any one fails this test file.
const LEAK_MARK = "LEAK:";
const leaks = [];
process.on("exit", () => {
  if (leaks.length > 0) {
    process.stderr.write(`Netty reported leaked buffers in Java fixtures:\n${leaks.join("\n")}\n`);
    process.exitCode = 1;
  }
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

/**
 * Spawns `java [jvmArgs] -cp <classpath> mainClass ...args` and waits until it prints
 * a line matching `readyPattern` on stdout.
 *
 * @param {string} mainClass fully qualified name of the class to run
 * @param {string[]} [args] program arguments
 * @param {object} [options]
 * @param {string} [options.classpath] overrides $SWITCHBOARD_CLASSPATH and the computed classpath
 * @param {string[]} [options.jvmArgs] JVM options placed before -cp, e.g. ["-Xmx256m"]
 * @param {object} [options.env] extra environment variables
 * @param {string} [options.cwd] working directory (default: the repository root)
 * @param {number} [options.timeoutMs] how long to wait for the ready line (default 20 s)
 * @param {RegExp} [options.readyPattern] ready line; group 1 is the port
 * @param {boolean} [options.echo] also copy the process output to this process' stderr
 * @returns {Promise<{port: number, process: import("node:child_process").ChildProcess,
 *           stop: (timeoutMs?: number) => Promise<{code: number|null, signal: string|null}>,
 *           output: () => string, exited: Promise<{code: number|null, signal: string|null}>}>}
 */
export function startJava(mainClass, args = [], options = {}) {
  const {
    classpath = computeClasspath(),
    jvmArgs = [],
    env = {},
    cwd = REPO_ROOT,
    timeoutMs = DEFAULT_START_TIMEOUT_MS,
    readyPattern = READY_PATTERN,
    echo = Boolean(process.env.SWITCHBOARD_E2E_ECHO),
  } = options;

  const leakLevel = "-Dio.netty.leakDetection.level=paranoid";
  const command = [javaExecutable(), leakLevel, ...jvmArgs, "-cp", classpath, mainClass, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);

  let output = "";
  let leakTail = "";
  const record = (stream, text) => {
    if (echo) process.stderr.write(text);
    // a report may straddle two chunks; it is recorded once, with what follows the mark in this chunk
    const scanned = leakTail + text;
    const at = scanned.indexOf(LEAK_MARK);
    if (at >= 0) leaks.push(`${mainClass}: ${scanned.slice(at, at + 2_000)}`);
    leakTail = at >= 0 ? "" : scanned.slice(-LEAK_MARK.length);
    if (output.length < MAX_OUTPUT_CHARS) {
      output += stream === "stderr" ? text.replace(/^(?=.)/gm, "[stderr] ") : text;
    }
  };
  const describe = () =>
    `${mainClass} ${args.join(" ")}\n--- command ---\n${command.join(" ")}\n` +
    `--- output ---\n${output || "(none)"}`;

  const exited = new Promise((resolveExit) => {
    // "close" rather than "exit": all output has been read by then
    child.once("close", (code, signal) => {
      running.delete(child);
      resolveExit({ code, signal });
    });
  });

  let stopping = null;
  const stop = (stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS) => {
    if (!stopping) {
      stopping = (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
          try {
            await exited;
          } finally {
            clearTimeout(timer);
          }
        }
        const result = await exited;
        const leakAt = output.indexOf(LEAK_MARK);
        if (leakAt >= 0) {
          throw new Error(`${mainClass} reported a leaked buffer:\n${output.slice(leakAt, leakAt + 4_000)}`);
        }
        return result;
      })();
    }
    return stopping;
  };

  return new Promise((resolveStart, rejectStart) => {
    let settled = false;
    let pending = "";

    const settle = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) rejectStart(error);
      else resolveStart(value);
    };

    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle(
        new Error(
          `${mainClass} did not print a line matching ${readyPattern} within ${timeoutMs} ms: ${describe()}`,
        ),
      );
    }, timeoutMs);

    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text) => record("stderr", text));
    child.stdout.on("data", (text) => {
      record("stdout", text);
      if (settled) return;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop();
      for (const line of lines) {
        const match = readyPattern.exec(line);
        if (match) {
          settle(null, {
            port: Number(match[1]),
            process: child,
            stop,
            output: () => output,
            exited,
          });
          return;
        }
      }
    });

    child.once("error", (error) => {
      settle(new Error(`could not start ${command[0]}: ${error.message}\n${describe()}`));
    });
    exited.then(({ code, signal }) => {
      settle(
        new Error(
          `${mainClass} exited (code ${code}, signal ${signal}) before it was listening: ${describe()}`,
        ),
      );
    });
  });
}
