/** The package version, injected at build time from package.json. */
declare const __AITOSS_VERSION__: string | undefined;
export const VERSION: string = typeof __AITOSS_VERSION__ === 'string' ? __AITOSS_VERSION__ : '0.0.0-dev';
