// The client's address behind reverse proxies lives in core, shared with the media edge.
export { clientAddress, parseProxyTrust, type ProxyTrust } from '@beamline/core';
