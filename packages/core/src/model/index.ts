export * from './common.js';
export * from './contact.js';
export * from './conversation.js';
export * from './events.js';
export * from './identity.js';
export * from './message.js';
