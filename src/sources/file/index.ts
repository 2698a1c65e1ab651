/** The file source: flow logs followed like `tail -F`. */
export { FileSource, type FileSourceOptions } from './file-source.js';
export { followFile, type FollowOptions, type FollowNotice } from './tail-follower.js';
