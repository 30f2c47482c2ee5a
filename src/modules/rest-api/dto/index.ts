export * from './api-key.dto';
export * from './api-version';
export * from './auth.dto';
export * from './meeting.dto';
export * from './webhooks.dto';
