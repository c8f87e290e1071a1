/**
 * Services served besides the built-in token endpoint and Microsoft Graph. The Exchange admin API and the
 * SharePoint routes register here: add `createExchangeService` / `createSharePointService` to the list.
 */
import type { ServiceFactory } from './http/service.js';

export const additionalServices: readonly ServiceFactory[] = [];
