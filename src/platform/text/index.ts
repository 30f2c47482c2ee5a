export { cutForDiscord, fitsDiscordLimit } from './discord-length';
