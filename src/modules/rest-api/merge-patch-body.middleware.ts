import { Injectable, NestMiddleware } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { bodyErrorMiddleware, buildProblem, sendProblem } from '../../platform/errors';
import { JSON_LIMIT } from '../../platform/http';

export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/**
 * Lets `PATCH …/config` take `application/merge-patch+json` (RFC 7396) as well as `application/json`: the
 * platform parser only reads the latter. Other media types get 415, bad JSON the platform's 400.
 */
@Injectable()
export class MergePatchBodyMiddleware implements NestMiddleware {
  private readonly parse = express.json({ type: MERGE_PATCH_TYPE, limit: JSON_LIMIT });

  use(req: Request, res: Response, next: NextFunction): void {
    if (req.method !== 'PATCH') return next();
    const type = req.is([MERGE_PATCH_TYPE, 'application/json']);
    if (type === false) {
      return sendProblem(
        res,
        buildProblem(
          req,
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Send the change as ${MERGE_PATCH_TYPE} or application/json.`,
        ),
      );
    }
    if (type !== MERGE_PATCH_TYPE) return next();
    this.parse(req, res, (err?: unknown) => (err ? bodyErrorMiddleware(err, req, res, next) : next()));
  }
}
