/**
 * node_modules for another revision's tree (bench:mocks-ab): this tree's, except the packages that either tree patches
 * (patch-package, patches/*.patch) when the two trees' patches differ. Those are copied and set to the revision's
 * patches, so that a change made in a patch (mock-socket's scheduling, say) is compared too; with one shared
 * node_modules, both builds had the working tree's patch and the comparison measured nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** patch-package's file name is the package's name (a scope's "/" as "+") and its version: `mock-socket+9.3.1.patch`. */
function patches(dir: string): Map<string, { file: string; text: string }> {
  const found = new Map<string, { file: string; text: string }>();
  const folder = join(dir, 'patches');
  if (!existsSync(folder)) return found;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.patch'))) {
    const name = file.slice(0, -'.patch'.length).split('+').slice(0, -1).join('/');
    found.set(name, { file: join(folder, file), text: readFileSync(join(folder, file), 'utf8') });
  }
  return found;
}

/** Makes `tree`'s node_modules from `root`'s; returns the names of the packages given the revision's patches. */
export function revisionModules(root: string, tree: string): string[] {
  const mine = patches(root);
  const theirs = patches(tree);
  const differ = [...new Set([...mine.keys(), ...theirs.keys()])].filter((name) => mine.get(name)?.text !== theirs.get(name)?.text);
  const target = join(tree, 'node_modules');
  if (differ.length === 0) {
    symlinkSync(join(root, 'node_modules'), target);
    return [];
  }
  // Links to everything else, entry by entry (a scope's folder entry by entry where one of its packages is copied).
  const link = (relative: string) => {
    const from = join(root, 'node_modules', relative);
    for (const entry of readdirSync(from)) {
      const path = relative ? `${relative}/${entry}` : entry;
      if (differ.includes(path)) {
        cpSync(join(from, entry), join(target, path), { recursive: true });
      } else if (differ.some((name) => name.startsWith(`${path}/`))) {
        mkdirSync(join(target, path), { recursive: true });
        link(path);
      } else symlinkSync(join(from, entry), join(target, path));
    }
  };
  mkdirSync(target);
  link('');
  // The copies hold this tree's patches: take them off, and put the revision's on (the paths are node_modules/…).
  for (const name of differ) {
    const mineNow = mine.get(name);
    if (mineNow) execFileSync('git', ['apply', '-R', mineNow.file], { cwd: tree });
    const theirsNow = theirs.get(name);
    if (theirsNow) execFileSync('git', ['apply', theirsNow.file], { cwd: tree });
  }
  return differ;
}
