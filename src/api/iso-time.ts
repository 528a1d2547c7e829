// The API's time format lives with the other presentation shared by the API and webhook payloads.
export { iso } from '../presentation/iso-time.ts';
