// tsyringe reads decorator metadata through the Reflect API; load the polyfill once for every test file.
import "reflect-metadata";
