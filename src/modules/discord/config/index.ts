import type { Provider } from '@nestjs/common';

/** Slash-command handlers for `kaltura-config-*`, registered by the Discord module. */
export const CONFIG_COMMAND_PROVIDERS: Provider[] = [];
