import { randomBytes } from 'node:crypto';
import type { PhotoDto, UserDto } from '@dutyroom/domain';
import { audit } from '../repositories/audit.repository.ts';
import type { PhotoStore } from '../repositories/photo-store.fs.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { workOrdersRepository } from '../repositories/work-orders.repository.ts';
import { requireOrderAccess } from './access.ts';
import { ServiceError } from './errors.ts';
import { writeOrder } from './work-order-changes.ts';
import { actorOf, dtoOf, type WorkOrdersContext } from './work-orders.context.ts';

/** Image types a phone sends, recognised by their first bytes (the declared type alone is not trusted). */
const SIGNATURES: Record<string, { ext: string; matches: (b: Buffer) => boolean }> = {
  'image/jpeg': { ext: 'jpg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/png': { ext: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  'image/webp': { ext: 'webp', matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
};
export const PHOTO_TYPES = Object.keys(SIGNATURES);
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Photos on an order's timeline (on site, resolved). */
export function createPhotosService(ctx: WorkOrdersContext, store: PhotoStore) {
  const { db, site, now } = ctx;

  async function orderOfSite(id: string) {
    const order = await workOrdersRepository.find(db, id);
    if (order === undefined || order.site_id !== site.siteId) throw new ServiceError('NOT_FOUND', `no work order ${id}`);
    return order;
  }

  return {
    async upload(user: UserDto | undefined, id: string, file: { contentType: string; bytes: Buffer }): Promise<PhotoDto> {
      const actor = actorOf(await requireOrderAccess(ctx.scope, user, 'workOrders:progress', site.siteId, () => workOrdersRepository.find(db, id)));
      await orderOfSite(id);
      const kind = SIGNATURES[file.contentType];
      if (kind === undefined) throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', `a photo must be one of ${PHOTO_TYPES.join(', ')}; got ${file.contentType}`);
      if (!kind.matches(file.bytes)) throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', `the file is not a ${file.contentType} image`);
      const fileName = `${randomBytes(12).toString('hex')}.${kind.ext}`;
      // The file first: a row never points at a missing file (an orphan file is harmless).
      await store.write(id, fileName, file.bytes);
      const t = now();
      const result = await db.transaction(async (tx) => {
        const photoId = await historyRepository.addPhoto(tx, {
          workOrderId: id,
          fileName,
          contentType: file.contentType,
          sizeBytes: file.bytes.length,
          uploadedBy: actor.displayName,
          at: t,
        });
        await historyRepository.addEvent(tx, { workOrderId: id, at: t, actor: actor.displayName, action: 'photo', payload: { photoId } });
        await audit(tx, {
          actor: actor.username,
          action: 'work-order.photo',
          subjectType: 'work-order',
          subjectId: id,
          detail: { siteId: site.siteId, photoId, sizeBytes: file.bytes.length },
        });
        // A new version, so consoles holding the order take the change.
        const current = await workOrdersRepository.lock(tx, id);
        const order = current && (await writeOrder(tx, current, {}, t));
        return { photoId, order };
      });
      if (result.order) ctx.broadcast.workOrder(dtoOf(ctx, result.order));
      const photo = (await historyRepository.photos(db, id)).find((p) => p.id === result.photoId);
      if (photo === undefined) throw new Error('photo vanished after insert');
      const { fileName: _f, ...dto } = photo;
      return dto;
    },

    async read(user: UserDto | undefined, id: string, photoId: string): Promise<{ contentType: string; bytes: Buffer }> {
      await requireOrderAccess(ctx.scope, user, 'workOrders:read', site.siteId, () => workOrdersRepository.find(db, id));
      await orderOfSite(id);
      const photo = (await historyRepository.photos(db, id)).find((p) => p.id === photoId);
      if (photo === undefined) throw new ServiceError('NOT_FOUND', `work order ${id} has no photo ${photoId}`);
      return { contentType: photo.contentType, bytes: await store.read(id, photo.fileName) };
    },
  };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
