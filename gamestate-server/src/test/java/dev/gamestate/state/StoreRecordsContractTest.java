package dev.gamestate.state;

/** The {@link StoreRecords} contract, held by the in-memory records. */
class StoreRecordsContractTest extends StoreRecordsContract {

    private final InMemoryStoreRecords records = new InMemoryStoreRecords();

    @Override
    StoreRecords records() {
        return records;
    }
}
