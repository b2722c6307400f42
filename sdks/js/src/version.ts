// The SDK's version, sent with every API request; a test keeps it equal to package.json.
export const SDK_VERSION = '0.1.0';
