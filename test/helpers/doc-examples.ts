import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The runnable examples of a Markdown page: its fenced code blocks in `bash`/`sh`, `ts`/`typescript` and
 * `python`. Other blocks are output or reference and are not run: json, text, http, and `console` (a shell
 * session shown with `$` prompts: installation and development commands). An info string may add `expect-error`
 * (bash: at least one curl in the block must get an HTTP error, which then does not fail it).
 */
export interface Example {
  lang: 'bash' | 'ts' | 'python';
  code: string;
  /** 1-based line of the opening fence */
  line: number;
  expectError: boolean;
}

const LANGS: Record<string, Example['lang']> = {
  bash: 'bash',
  sh: 'bash',
  ts: 'ts',
  typescript: 'ts',
  python: 'python',
};

export function examplesOf(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.startsWith(`${indent}${fence}`); j++)
      body.push(lines[j]!.slice(indent!.length));
    const kind = LANGS[lang!];
    if (kind)
      examples.push({ lang: kind, code: body.join('\n'), line: i + 1, expectError: /\bexpect-error\b/.test(rest!) });
    i = j;
  }
  return examples;
}

/** Where the examples run: the addresses and key they are rewritten to. */
export interface Target {
  /** http://127.0.0.1:PORT (the docs say http://localhost:3000) */
  baseUrl: string;
  mqttPort: number;
  apiKey: string;
  /** an OAuth access token (for `YOUR_ACCESS_TOKEN`) */
  accessToken?: string;
  /** a directory where `@enterprise-platform/sdk` resolves (see sdkInstallDir) */
  installDir: string;
  /** PYTHONPATH for `enterprise_platform` */
  pythonPath: string;
}

/** The docs address a local gateway with its defaults, and the seed's production URL and key placeholder. */
export function localize(code: string, target: Target): string {
  return code
    .replaceAll('https://api.enterprise-platform.com/v1', `${target.baseUrl}/v1`)
    .replaceAll('http://localhost:3000', target.baseUrl)
    .replaceAll('ws://localhost:3000', target.baseUrl.replace(/^http/, 'ws'))
    .replaceAll('mqtt://localhost:1883', `mqtt://127.0.0.1:${target.mqttPort}`)
    .replaceAll('-h localhost -p 1883', `-h 127.0.0.1 -p ${target.mqttPort}`)
    .replaceAll('YOUR_API_KEY', target.apiKey)
    .replaceAll('YOUR_ACCESS_TOKEN', target.accessToken ?? 'YOUR_ACCESS_TOKEN');
}

export interface Outcome {
  code: number | null;
  output: string;
}

function spawnOutcome(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }) {
  return new Promise<Outcome>((resolve) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}${err && !stderr ? String(err) : ''}` });
    });
  });
}

/**
 * Runs the examples of one page in order, the way a reader would: bash blocks see the variables earlier bash
 * blocks exported; every TypeScript block is its own ES module (top-level await), every Python block its own
 * script.
 */
export class ExampleRunner {
  private env: NodeJS.ProcessEnv;
  private readonly dir = mkdtempSync(join(tmpdir(), 'doc-examples-'));
  private n = 0;

  constructor(private readonly target: Target) {
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: 'C.UTF-8',
      API: `${target.baseUrl}/v1`,
      TOKEN: target.apiKey,
      ENTERPRISE_PLATFORM_BASE_URL: `${target.baseUrl}/v1`,
      PYTHONPATH: target.pythonPath,
      PYTHONDONTWRITEBYTECODE: '1',
    };
  }

  run(example: Example): Promise<Outcome> {
    const code = localize(example.code, this.target);
    if (example.lang === 'bash') return this.bash(code, example.expectError);
    if (example.lang === 'python') return this.python(code);
    return this.typescript(code);
  }

  private async bash(code: string, expectError: boolean): Promise<Outcome> {
    const state = join(this.dir, `state-${this.n}`);
    const errors = join(this.dir, `http-errors-${this.n++}`);
    // curl as the reader types it, except that an HTTP error fails the block (unless it is expected there)
    const script = `set -euo pipefail
curl() {
  local out status
  out=$(command curl -w '\\n%{http_code}' "$@") || return $?
  status=\${out##*$'\\n'}
  printf '%s\\n' "\${out%$'\\n'*}"
  if [ "$status" -ge 400 ]; then
    echo "$status" >> ${JSON.stringify(errors)}
    [ -n "\${EXPECT_HTTP_ERROR:-}" ] || { echo "curl: HTTP $status" >&2; return 22; }
  fi
}
${expectError ? 'EXPECT_HTTP_ERROR=1' : ''}
${code}
${expectError ? `[ -s ${JSON.stringify(errors)} ] || { echo 'expected an HTTP error in this block' >&2; exit 1; }` : ''}
env -0 > ${JSON.stringify(state)}
`;
    const file = join(this.dir, `block-${this.n}.sh`);
    writeFileSync(file, script);
    const outcome = await spawnOutcome('bash', [file], { cwd: this.dir, env: this.env, timeout: 60_000 });
    if (outcome.code === 0) {
      const next: NodeJS.ProcessEnv = {};
      for (const entry of readFileSync(state, 'utf8').split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) next[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      delete next.EXPECT_HTTP_ERROR;
      this.env = next;
    }
    return outcome;
  }

  private python(code: string): Promise<Outcome> {
    const file = join(this.dir, `block-${this.n++}.py`);
    writeFileSync(file, code);
    return spawnOutcome(process.env.PYTHON ?? 'python3', [file], { cwd: this.dir, env: this.env, timeout: 90_000 });
  }

  private typescript(code: string): Promise<Outcome> {
    const file = join(this.target.installDir, `block-${this.n++}.mjs`);
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(file, js);
    return spawnOutcome(process.execPath, [file], { cwd: this.target.installDir, env: this.env, timeout: 90_000 });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Type-checks TypeScript examples as a user's project would see them: `@enterprise-platform/sdk` resolved
 * through its package.json from `installDir`, strict. Returns the diagnostics, formatted.
 */
export function typeCheck(examples: Array<{ name: string; code: string }>, installDir: string): string[] {
  const files = examples.map((e, i) => {
    const file = join(installDir, `check-${i}.mts`);
    writeFileSync(file, e.code);
    return { file, name: e.name };
  });
  const program = ts.createProgram(
    files.map((f) => f.file),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      skipLibCheck: true,
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = files.find((f) => f.file === d.file?.fileName);
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    return `${where?.name ?? d.file?.fileName ?? '?'}${pos ? ` (+${pos.line + 1})` : ''}: ${text}`;
  });
}
