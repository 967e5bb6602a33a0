// Makes the package's own bins runnable: sets the executable bit (tsc does not) and links them into
// node_modules/.bin, where `npx <bin>` looks inside this checkout (npm links bins only for dependencies).
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const binDir = join(root, "node_modules", ".bin");
mkdirSync(binDir, { recursive: true });
for (const [name, file] of Object.entries(pkg.bin)) {
  const target = join(root, file);
  if (!existsSync(target)) continue;
  chmodSync(target, 0o755);
  const link = join(binDir, name);
  try {
    lstatSync(link);
    rmSync(link);
  } catch {
    // no link yet
  }
  symlinkSync(relative(binDir, target), link);
}
