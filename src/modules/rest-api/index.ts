/** The REST gateway's public surface: the module to compose into the app. */
export { GatewayModule } from './gateway.module';
export { API_V1 } from './dto/api-version';
