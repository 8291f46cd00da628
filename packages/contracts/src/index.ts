/** TypeBox schemas and static types for every Jiedao API body, shared by the server and the web app. */
export * from './common.js';
export * from './constants.js';
export * from './errors.js';
export * from './identity.js';
export * from './places.js';
export * from './system.js';
export * from './governance.js';
export * from './gig.js';
