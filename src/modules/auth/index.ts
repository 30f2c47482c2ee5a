/** Identity and role mapping: the only public surface of the auth module. */
export { RoleMappingService, highestRole } from './role-mapping.service';
export type { GuildMemberFacts } from './role-mapping.service';
export { AuthModule } from './auth.module';
