/**
 * Services served besides the built-in token endpoint and Microsoft Graph. The Exchange admin API and the
 * SharePoint routes register here: add `createExchangeService` / `createSharePointService` to the list.
 */
import { createExchangeService } from './exchange/routes.js';
import type { ServiceFactory } from './http/service.js';
import { createSharePointService } from './sharepoint/routes.js';

export const additionalServices: readonly ServiceFactory[] = [createExchangeService, createSharePointService];
