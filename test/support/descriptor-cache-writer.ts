// One of several processes saving one descriptor cache at once (descriptor-cache.test.ts):
// argv: cache file, plugin entry, root, writer number. Saves many times to widen the race.
import { DescriptorCache } from "../../src/plugin-host/descriptor-cache.ts";
import { pluginStamp } from "../../src/plugin-host/plugin-stamp.ts";

const [file = "", entry = "", root = "", n = ""] = process.argv.slice(2);
const stamp = await pluginStamp(entry, root);
for (let i = 0; i < 20; i++) {
  const cache = await DescriptorCache.open<unknown>({ file, host: "host 1", check: (v) => v });
  await cache.save(
    new Map([
      [entry, { stamp, id: `writer-${n}`, settings: "s", descriptor: { id: `writer-${n}`, claims: [] } }],
    ]),
  );
}
