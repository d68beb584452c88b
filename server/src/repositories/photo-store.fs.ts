import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Photos on disk under `<dataDir>/photos/<order>/<photo id>.<ext>`; written to a temp name, then renamed. */
export function createPhotoStore(dataDir: string) {
  const root = join(dataDir, 'photos');
  return {
    async write(workOrderId: string, fileName: string, bytes: Buffer): Promise<void> {
      const dir = join(root, workOrderId);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${fileName}.tmp`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(dir, fileName));
    },
    read: (workOrderId: string, fileName: string): Promise<Buffer> => readFile(join(root, workOrderId, fileName)),
  };
}

export type PhotoStore = ReturnType<typeof createPhotoStore>;
