import { Module } from '@nestjs/common';
import { GuildConfigModule } from '../config';
import { RoleMappingService } from './role-mapping.service';

@Module({ imports: [GuildConfigModule], providers: [RoleMappingService], exports: [RoleMappingService] })
export class AuthModule {}
