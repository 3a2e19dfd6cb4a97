namespace Warden.Storage;
