/** `mlops ui` (the library entry the command uses) over a project's embedded stores, on a free loopback port. */
import { openStores, type Stores } from "../../../src/store/open-stores.js";
import { startUi, type UiServer } from "../../../src/ui/server.js";

export interface ProjectUi {
  url: string;
  stores: Stores;
  close(): Promise<void>;
}

export async function startProjectUi(dir: string): Promise<ProjectUi> {
  const stores = await openStores({ projectRoot: dir, cwd: dir, env: {}, existing: true });
  let server: UiServer;
  try {
    server = await startUi({ stores, project: dir, port: 0 });
  } catch (error) {
    await stores.close();
    throw error;
  }
  return {
    url: server.url,
    stores,
    close: async () => {
      await server.close();
      await stores.close();
    },
  };
}
