/** The Hubble gRPC source: follows a Hubble agent, Hubble Relay or another flowlens. */
export { HubbleSource, type HubbleSourceOptions, type PeerInfo } from './hubble-source.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export { ResumeFilter, flowKey } from './resume-filter.js';
