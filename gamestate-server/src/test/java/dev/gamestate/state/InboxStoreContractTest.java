package dev.gamestate.state;

/** The {@link InboxStore} contract, held by the in-memory inboxes. */
class InboxStoreContractTest extends InboxStoreContract {

    private final InMemoryInboxStore inboxes = new InMemoryInboxStore();

    @Override
    InboxStore inboxes() {
        return inboxes;
    }
}
