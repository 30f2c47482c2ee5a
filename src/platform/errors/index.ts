export * from './domain-error';
export * from './problem';
export * from './problem.filter';
export * from './validation';
export * from './body-errors.middleware';
