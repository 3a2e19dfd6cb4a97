namespace Warden.MockProvider;
