namespace Warden.Providers;
