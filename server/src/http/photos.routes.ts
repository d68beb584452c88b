import { photoDtoSchema } from '@dutyroom/domain';
import { z } from 'zod';
import { ServiceError } from '../services/errors.ts';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, type PhotosService } from '../services/photos.service.ts';
import type { Router } from './router.ts';
import { workOrderIdParams } from './work-orders.routes.ts';

/** Photos of an order: multipart upload (one image, size and type checked), download. */
export function photoRoutes(router: Router, deps: { photos: () => PhotosService }): void {
  router.route(
    {
      method: 'POST',
      url: '/api/v1/work-orders/:id/photos',
      permission: 'workOrders:progress',
      summary: `Upload one photo (multipart field "photo"; ${PHOTO_TYPES.join(', ')}; at most 10 MB)`,
      tag: 'work-orders',
      params: workOrderIdParams,
      multipartFile: 'photo',
      response: z.object({ photo: photoDtoSchema }),
    },
    async ({ user, params, request, reply }) => {
      if (!request.isMultipart()) throw new ServiceError('UNSUPPORTED_MEDIA_TYPE', 'send the photo as multipart/form-data with a file field "photo"');
      const part = await request.file();
      if (part === undefined || part.fieldname !== 'photo') throw new ServiceError('VALIDATION', 'body.photo: a file field named "photo" is required');
      // toBuffer() throws a 413 past the size limit set on the multipart plugin, except when the
      // limit is hit on the last chunk: then the stream is only marked truncated.
      const bytes = await part.toBuffer();
      if (part.file.truncated || bytes.length > MAX_PHOTO_BYTES)
        throw new ServiceError('PAYLOAD_TOO_LARGE', `a photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
      reply.status(201);
      return { photo: await deps.photos().upload(user, params.id, { contentType: part.mimetype, bytes }) };
    },
  );
  router.route(
    {
      method: 'GET',
      url: '/api/v1/work-orders/:id/photos/:photoId',
      permission: 'workOrders:read',
      summary: 'Download a photo',
      tag: 'work-orders',
      params: workOrderIdParams.extend({ photoId: z.string().regex(/^\d{1,12}$/, 'a photo id') }),
      produces: PHOTO_TYPES,
    },
    async ({ user, params, reply }) => {
      const photo = await deps.photos().read(user, params.id, params.photoId);
      return reply.type(photo.contentType).header('cache-control', 'private, max-age=86400').send(photo.bytes);
    },
  );
}
