// Every TypeScript and JavaScript example in documentation/ (and the TypeScript of examples/) type-checks against the
// SDK's own sources, so a renamed method or a changed type fails the build, not the reader.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '@beamline/testkit';
import { listFiles } from '../../../../scripts/docs/files';
import { codeBlocks } from './markdown';

const SDK = join(ROOT, 'sdks/js/src');
// Inside the checkout so examples importing react or Node's types resolve from the workspace.
const WORK = join(ROOT, `.docs-check-${process.pid}`);
const EXTENSIONS: Record<string, string> = {
  ts: 'ts',
  typescript: 'ts',
  tsx: 'tsx',
  js: 'js',
  javascript: 'js',
  mjs: 'mjs',
  jsx: 'jsx',
};

afterAll(() => rmSync(WORK, { recursive: true, force: true }));

it('type-checks every code example of the documentation against the SDK', () => {
  mkdirSync(WORK, { recursive: true });
  const written: string[] = [];
  const origin = new Map<string, string>();
  for (const doc of listFiles(join(ROOT, 'documentation'), /\.md$/)) {
    codeBlocks(readFileSync(doc, 'utf8')).forEach((block, n) => {
      const ext = EXTENSIONS[block.lang];
      if (!ext) return;
      // One folder per document, so its blocks can import each other by the file names they declare.
      const folder = relative(join(ROOT, 'documentation'), doc).replace(/[/.]/g, '_');
      const declared = /^file (\S+)$/.exec(block.directive ?? '')?.[1];
      const name = `${folder}/${declared ?? `block_${n}.${ext}`}`;
      const isModule = /^\s*(import|export)\s/m.test(block.code);
      mkdirSync(join(WORK, folder), { recursive: true });
      writeFileSync(join(WORK, name), isModule ? block.code : `${block.code}\nexport {};\n`);
      written.push(name);
      origin.set(name, `${relative(ROOT, doc)}:${block.line}`);
    });
  }
  const examples = listFiles(join(ROOT, 'examples'), /\.tsx?$/);
  expect(written.length, 'examples found in documentation/').toBeGreaterThan(5);

  const entry = (path: string) => [join(SDK, path)];
  writeFileSync(
    join(WORK, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        allowJs: true,
        checkJs: true,
        jsx: 'react-jsx',
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        paths: {
          '@beamline/sdk': entry('index.ts'),
          '@beamline/sdk/server': entry('index.ts'),
          '@beamline/sdk/chat': entry('chat/index.ts'),
          '@beamline/sdk/player': entry('player/index.ts'),
          '@beamline/sdk/browser': entry('browser.ts'),
          '@beamline/sdk/webhooks': entry('webhooks.ts'),
        },
      },
      files: [...written, ...examples],
    }),
  );
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  let output = '';
  try {
    execFileSync(tsc, ['-p', join(WORK, 'tsconfig.json')], { encoding: 'utf8', cwd: WORK });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout ?? err);
  }
  // Name the document and line of each failing block.
  const readable = output.replace(/^(\S+?\.(?:ts|tsx|js|mjs|jsx))\((\d+),/gm, (_m, file: string, line: string) => {
    const where = origin.get(file) ?? file;
    return `${where} (block line ${line}),`;
  });
  expect(readable).toBe('');
});
