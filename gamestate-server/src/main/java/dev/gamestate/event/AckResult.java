package dev.gamestate.event;

/** The body of an {@code ack}: a record the wire codec serialises as the {@code result} object. */
public interface AckResult {
}
