// Path parameters and bodies that several of the streams feature's route files share.
import { z } from '@hono/zod-openapi';
import { AppIdParams, idParam } from '../http/schemas';

export const StreamParams = AppIdParams.extend({ streamId: idParam('streamId', 'str') });
export const Deleted = z.object({ deleted: z.literal(true) });
