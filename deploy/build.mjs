// `npm run build`: one ESM bundle per deployable entry point in dist/, for plain `node` without dev
// dependencies (no tsx). The workspace packages (@df/*) are bundled in; every other package stays an import,
// resolved from node_modules at run time, so `npm ci --omit=dev` is all a production image installs.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ENTRY_POINTS } from './entry-points.mjs';

const root = resolve(import.meta.dirname, '..');

/** Every package a workspace depends on at run time: left to node_modules. */
function runtimeDependencies() {
  const names = new Set();
  for (const dir of ['packages', 'services']) {
    for (const name of readdirSync(join(root, dir))) {
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, dir, name, 'package.json'), 'utf8'));
      } catch {
        continue; // not a workspace
      }
      for (const dep of Object.keys(manifest.dependencies ?? {})) if (!dep.startsWith('@df/')) names.add(dep);
    }
  }
  return [...names];
}

const runtime = new Set(runtimeDependencies());
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** Bare imports: workspace code is bundled, runtime dependencies stay imports, anything else fails the build. */
const onlyDeclaredDependencies = {
  name: 'only-declared-dependencies',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageName(args.path);
      if (name.startsWith('@df/')) return undefined;
      if (args.path.startsWith('node:') || builtinModules.includes(name)) return { external: true };
      if (runtime.has(name)) return { external: true };
      return {
        errors: [{ text: `${args.path} (imported by ${args.importer}) is in no workspace's dependencies` }],
      };
    });
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ENTRY_POINTS,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // A dependency missing from every manifest fails the build instead of failing in production.
  plugins: [onlyDeclaredDependencies],
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
console.log(`built ${outputs.length} entry points into dist/: ${Object.keys(ENTRY_POINTS).join(', ')}`);
