/** The REST API's public surface: the module to compose into the app, and the one API-version constant. */
export { RestApiModule } from './rest-api.module';
export { API_V1 } from './dto/api-version';
