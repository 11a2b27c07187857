/** Opens a test project's stores (the embedded defaults, or those `env` names), runs `read`, closes them. */
import { openStores, type Stores } from "../../../src/store/open-stores.js";

export async function withStores<T>(dir: string, read: (stores: Stores) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const stores = await openStores({ projectRoot: dir, cwd: dir, env });
  try {
    return await read(stores);
  } finally {
    await stores.close();
  }
}
