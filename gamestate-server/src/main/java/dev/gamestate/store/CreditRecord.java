package dev.gamestate.store;

import java.util.Map;

/**
 * The record of one admin credit at {@code credits/<user>/<requestId>}, written in the credit's own
 * transaction so the request id adds money at most once.
 *
 * @param creditId     the id; unique per call, so a writer recognises its own record
 * @param currency     the currency credited
 * @param amount       how much
 * @param balance      the whole balance right after the credit
 * @param creditedAtMs when, in epoch milliseconds
 */
record CreditRecord(String creditId, String currency, long amount, Map<String, Long> balance, long creditedAtMs) {
}
