import { ApiProperty } from '@nestjs/swagger';
import { API_VERSION } from '../../../platform/http';

/** The version every v1 response body states, and every controller's `version`: the platform's one constant. */
export const API_V1 = API_VERSION;

/** Base of every v1 response body. */
export abstract class V1Response {
  @ApiProperty({
    enum: [API_V1],
    example: API_V1,
    description: 'Version of the API that produced this body.',
  })
  apiVersion!: typeof API_V1;
}

/** Discord ids: 17–20 digits. */
export const SNOWFLAKE = /^\d{17,20}$/;
export const SNOWFLAKE_EXAMPLE = '123456789012345678';
